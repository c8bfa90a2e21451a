// Checks against the real makedumpfile 1.7.2 (Debian package) under strace, on vmcores kmemsim writes: its excluded-page report
// equals what was planted, and every count of its calls on the vmcore file EQUALS the model's — predicted from the
// image model (simulateMakedumpfile) and from the written file itself (`--image`: readVmcoreFile), and also for an
// ELF vmcore written by another program (makedumpfile -E's own output) and for vmcores an independent generator
// wrote (testing/foreign-core.ts: calls as --image predicts, report as planted). Runs where makedumpfile and strace are
// installed (CI installs both). Used by interop-*.test.ts (fast subset) and interop-*.long-test.ts (full matrix).
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { CLASS_CODE, excludes, type PageClass } from '../classes.js';
import { buildImage } from '../image.js';
import { type DumpOptions, predictVmcoreSyscalls, simulateMakedumpfile, simulateSpec } from '../makedumpfile.js';
import { readVmcoreFile } from '../node/vmcore-file.js';
import type { ProfileName } from '../profiles.js';
import { type ForeignOptions, writeForeignCore } from '../testing/foreign-core.js';
import { haveTool, type RealDump, type RealDumpOptions, runRealMakedumpfile } from './real-tool.js';
import { writeImageVmcore } from './writer.js';

export const TOOLS = haveTool('makedumpfile') && haveTool('strace');
export const SKIP = TOOLS
  ? ''
  : ' — skipped: makedumpfile and strace are not both on PATH (apt-get install makedumpfile strace)';
const X86_64 = { name: 'x86_64', pageBytes: 4096, structPageBytes: 64 };
const MiB = 2 ** 20;
const DUMPED = ['zero', 'cache', 'private', 'user', 'free'] as const satisfies readonly PageClass[];
const CALLS = ['mmap', 'munmap', 'read', 'lseek'] as const;

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
  return checkRuns(path, c.runs, (r, real, o) => {
    const model = predictVmcoreSyscalls(img, { ...o, crashCpus: c.cpus, hwpoison: c.hwpoison });
    const out = countMisses(real, model, 'model');
    if (real.syscalls.pread64 !== 0) out.push(`${real.command}: pread64 ${real.syscalls.pread64}`);
    if (real.writes !== undefined) {
      const w = simulateMakedumpfile(img, { ...o, crashCpus: c.cpus, hwpoison: c.hwpoison }).syscalls.write;
      if (real.writes !== w) out.push(`${real.command}: write observed ${real.writes}, model ${w}`);
    }
    const want = { ...planted(r.dumpLevel, w.planted, w.zeroKernelPages), hwpoison: 0, offline: 0 };
    return [...out, ...reportMisses(real, real.report.excluded, want)];
  });
}

/** A vmcore another generator wrote (foreign-core.ts): calls as --image predicts, report as planted. */
export async function checkForeignCore(path: string, f: ForeignOptions, runs: RealDumpOptions[]): Promise<string[]> {
  const w = writeForeignCore(path, f);
  return checkRuns(path, runs, (r, real) => {
    const { hwpoison: _h, offline: _o, ...seen } = real.report.excluded;
    return reportMisses(real, seen, planted(r.dumpLevel, w.planted, w.zeroKernel));
  });
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
  return checkRuns(elf, runs, () => []);
}

/** The model's options for a real run (makedumpfile 1.7.2). */
function modelOptions(r: RealDumpOptions): DumpOptions {
  return {
    version: '1.7.2',
    access: r.mmap ? 'mmap' : 'read',
    dumpLevel: r.dumpLevel,
    format: r.elf ? 'elf' : 'kdump',
    cyclicBufferBytes: r.cyclicBufferKiB === undefined ? undefined : r.cyclicBufferKiB * 1024,
  };
}

/**
 * Runs each dump of the vmcore at `path` under strace, then removes the file. Every run's calls must equal --image
 * (the model on the file as read) — except -E with bit 1, whose segments split at zero pages, which --image cannot
 * know (it knows page classes from mem_map only); `more` adds a run's other misses.
 */
async function checkRuns(
  path: string,
  runs: RealDumpOptions[],
  more: (r: RealDumpOptions, real: RealDump, o: DumpOptions) => string[],
): Promise<string[]> {
  const misses: string[] = [];
  try {
    const file = readVmcoreFile(path);
    for (const r of runs) {
      const real = await runRealMakedumpfile(path, r);
      const o = modelOptions(r);
      if (!(r.elf && r.dumpLevel & 1)) misses.push(...countMisses(real, simulateSpec(file.spec, o).vmcore, '--image'));
      misses.push(...more(r, real, o));
    }
  } finally {
    rmSync(path, { force: true });
  }
  return misses;
}

function countMisses(real: RealDump, p: Record<(typeof CALLS)[number], number>, by: string): string[] {
  return CALLS.filter((k) => real.syscalls[k] !== p[k]).map(
    (k) => `${real.command}: ${k} observed ${real.syscalls[k]}, ${by} ${p[k]}`,
  );
}

/** The excluded-page report makedumpfile must print at `level` for what was planted. */
function planted(level: number, p: Record<(typeof DUMPED)[number], number>, zeroKernel: number) {
  const want = { zero: 0, cache: 0, private: 0, user: 0, free: 0 };
  for (const k of DUMPED) if (excludes(level, CLASS_CODE[k])) want[k] = p[k];
  if (level & 1) want.zero += zeroKernel; // unused mem_section roots / foreign zero kernel pages: kernel pages of zeros
  return want;
}

function reportMisses(real: RealDump, seen: object, want: object): string[] {
  return JSON.stringify(seen) === JSON.stringify(want)
    ? []
    : [`${real.command}: excluded ${JSON.stringify(seen)}, planted ${JSON.stringify(want)}`];
}
