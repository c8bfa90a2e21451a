// Checks against the real makedumpfile 1.7.2 (Debian package) under strace, on vmcores kmemsim writes: its excluded-page report
// equals what was planted, and every count of its calls on the vmcore file EQUALS the model's — predicted from the
// image model (simulateMakedumpfile) and from the written file itself (`--image`: readVmcoreFile), and also for an
// ELF vmcore written by another program (makedumpfile -E's own output). Runs where makedumpfile and strace are
// installed (CI installs both). Used by interop-*.test.ts (fast subset) and interop-*.long-test.ts (full matrix).
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { CLASS_CODE, excludes, type PageClass } from '../classes.js';
import { buildImage } from '../image.js';
import { predictVmcoreSyscalls, simulateSpec } from '../makedumpfile.js';
import { readVmcoreFile } from '../node/vmcore-file.js';
import type { ProfileName } from '../profiles.js';
import { haveTool, type RealDumpOptions, runRealMakedumpfile } from './real-tool.js';
import { writeImageVmcore } from './writer.js';

export const TOOLS = haveTool('makedumpfile') && haveTool('strace');
export const SKIP = TOOLS
  ? ''
  : ' — skipped: makedumpfile and strace are not both on PATH (apt-get install makedumpfile strace)';
const X86_64 = { name: 'x86_64', pageBytes: 4096, structPageBytes: 64 };
const MiB = 2 ** 20;
const DUMPED = ['zero', 'cache', 'private', 'user', 'free'] as const satisfies readonly PageClass[];

export interface Case {
  mib: number;
  profile: ProfileName;
  seed: number;
  cpus: number;
  /** Fragmentation (mean run length in pages), if not the profile's. */
  meanRun?: number;
  /** flat (SYMBOL(mem_map)) or sparse (SYMBOL(mem_section), as x86_64 kernels are); default flat. */
  memoryModel?: 'flat' | 'sparse';
  hwpoison?: boolean;
  /**
   * false: page contents stay holes of a sparse file (struct pages and kernel data still written), so a large
   * layout — file offsets past 4 GiB — costs its mem_map only. Every page then reads as zeros: levels with bit 1
   * would exclude them all, so such a case takes levels without it.
   */
  pageData?: boolean;
  runs: RealDumpOptions[];
}

/** Writes the case's image, runs each dump under strace, and checks report and counts (model and --image). */
export async function checkCase(dir: string, c: Case): Promise<string[]> {
  const img = buildImage({
    memBytes: c.mib * MiB,
    arch: X86_64,
    profile: c.profile,
    seed: c.seed,
    meanRunPages: c.meanRun,
    memoryModel: c.memoryModel,
  });
  const name = `${c.profile}-${c.mib}-${c.seed}-${c.cpus}${c.hwpoison ? '-hw' : ''}-${c.memoryModel ?? 'flat'}`;
  const path = join(dir, `${name}.vmcore`);
  const misses: string[] = [];
  if (c.pageData === false) {
    for (const r of c.runs)
      if (r.dumpLevel & 1) misses.push(`${name}: -d ${r.dumpLevel} has bit 1, but the file has no page contents`);
    if (misses.length) return misses;
  }
  const w = writeImageVmcore(img, path, { cpus: c.cpus, hwpoison: c.hwpoison, pageData: c.pageData });
  try {
    const file = readVmcoreFile(path);
    for (const r of c.runs) {
      const real = await runRealMakedumpfile(path, r);
      const o = {
        version: '1.7.2' as const,
        access: r.mmap ? ('mmap' as const) : ('read' as const),
        dumpLevel: r.dumpLevel,
        format: r.elf ? ('elf' as const) : ('kdump' as const),
        cyclicBufferBytes: r.cyclicBufferKiB === undefined ? undefined : r.cyclicBufferKiB * 1024,
      };
      const model = predictVmcoreSyscalls(img, { ...o, crashCpus: c.cpus, hwpoison: c.hwpoison });
      const fromFile = simulateSpec(file.spec, o).vmcore;
      const obs = real.syscalls;
      for (const k of ['mmap', 'munmap', 'read', 'lseek'] as const) {
        if (obs[k] !== model[k]) misses.push(`${real.command}: ${k} observed ${obs[k]}, model ${model[k]}`);
        // --image knows page classes from mem_map only: zero pages (found by reading contents) are not known, so
        // -E with bit 1 (whose segments split at zero pages) is outside what --image predicts exactly.
        if (!(r.elf && r.dumpLevel & 1) && obs[k] !== fromFile[k])
          misses.push(`${real.command}: ${k} observed ${obs[k]}, --image ${fromFile[k]}`);
      }
      if (obs.pread64 !== 0) misses.push(`${real.command}: pread64 ${obs.pread64}`);
      const want = { zero: 0, cache: 0, private: 0, user: 0, free: 0, hwpoison: 0, offline: 0 };
      for (const k of DUMPED) if (excludes(r.dumpLevel, CLASS_CODE[k])) want[k] = w.planted[k];
      if (r.dumpLevel & 1) want.zero += w.zeroKernelPages; // unused mem_section roots: kernel pages of zeros
      if (JSON.stringify(real.report.excluded) !== JSON.stringify(want)) {
        misses.push(
          `${real.command}: excluded ${JSON.stringify(real.report.excluded)}, planted ${JSON.stringify(want)}`,
        );
      }
    }
    return misses;
  } finally {
    rmSync(path, { force: true });
  }
}

/** An ELF vmcore written by another program: makedumpfile -E -d 0 of a kmemsim image (offsets not page aligned). */
export async function checkForeign(dir: string, runs: RealDumpOptions[]): Promise<string[]> {
  const { spawnSync } = await import('node:child_process');
  const img = buildImage({ memBytes: 128 * MiB, arch: X86_64, profile: 'file-server', seed: 9 });
  const src = join(dir, 'src.vmcore');
  const elf = join(dir, 'foreign.elf');
  writeImageVmcore(img, src, { cpus: 3 });
  const made = spawnSync('makedumpfile', ['-E', '-d', '0', '-f', src, elf], { encoding: 'utf8' });
  rmSync(src, { force: true });
  if (made.status !== 0) return [`makedumpfile -E failed: ${made.stderr}`];
  const misses: string[] = [];
  try {
    const file = readVmcoreFile(elf);
    for (const r of runs) {
      const real = await runRealMakedumpfile(elf, r);
      const p = simulateSpec(file.spec, {
        version: '1.7.2',
        access: r.mmap ? 'mmap' : 'read',
        dumpLevel: r.dumpLevel,
      }).vmcore;
      for (const k of ['mmap', 'munmap', 'read', 'lseek'] as const) {
        if (real.syscalls[k] !== p[k])
          misses.push(`${real.command}: ${k} observed ${real.syscalls[k]}, --image ${p[k]}`);
      }
    }
  } finally {
    rmSync(elf, { force: true });
  }
  return misses;
}
