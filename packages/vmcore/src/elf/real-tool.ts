// Runs the real makedumpfile on a written vmcore under strace and returns its report and the system calls it made
// on the vmcore file. Used by the interop test; needs `makedumpfile` and `strace` on PATH.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type DumpReport, parseDumpReport } from './report.js';
import { countFileSyscalls, countWrites, type FileSyscalls } from './strace.js';

/** What a real makedumpfile run gave: its closing report and its calls on the vmcore. */
export interface RealDump {
  /** The page counts it printed. */
  report: DumpReport;
  /** Its calls on the vmcore file, from strace. */
  syscalls: FileSyscalls;
  /** The command line that ran (for messages). */
  command: string;
  /** write() calls on the output (with `writes`). */
  writes?: number;
}

/** Whether `tool` can be run (found on PATH). */
export function haveTool(tool: string): boolean {
  const r = spawnSync('sh', ['-c', `command -v ${tool}`], { encoding: 'utf8' });
  return r.status === 0 && r.stdout.trim() !== '';
}

/** How {@link runRealMakedumpfile} runs the real tool. */
export interface RealDumpOptions {
  /** `-d`, 0..31. */
  dumpLevel: number;
  /** mmap mode (false: `--non-mmap`). */
  mmap: boolean;
  /** -E: ELF output (written to a temporary file, removed after). */
  elf?: boolean;
  /** --cyclic-buffer, in KiB. */
  cyclicBufferKiB?: number;
  /** Trace write() too and count those on the output (slower: each write of the dump stops the tool). */
  writes?: boolean;
}

/** `makedumpfile -d LEVEL [--non-mmap] [-E] [--cyclic-buffer N] -f VMCORE OUT` under `strace -f --seccomp-bpf -y`. */
export async function runRealMakedumpfile(vmcore: string, o: RealDumpOptions): Promise<RealDump> {
  const dir = mkdtempSync(join(tmpdir(), 'kmemsim-strace-'));
  const trace = join(dir, 'trace');
  const args = ['--message-level', '31', '-d', String(o.dumpLevel), ...(o.mmap ? [] : ['--non-mmap'])];
  if (o.elf) args.push('-E');
  if (o.cyclicBufferKiB !== undefined) args.push('--cyclic-buffer', String(o.cyclicBufferKiB));
  // -E output is a real file (makedumpfile seeks in it); the kdump format goes to /dev/null.
  const output = o.elf ? join(dir, 'out.elf') : '/dev/null';
  args.push('-f', vmcore, output);
  const command = `makedumpfile ${args.join(' ')}`;
  // -s 0 and no signals keep the trace small: a 1 GiB --non-mmap -d 0 run makes half a million calls.
  // --seccomp-bpf (strace ≥ 5.3): the tool stops only on the traced calls, not on each write() of the dump — the
  // same counts in a third less time on the interop tests.
  const straceArgs = [
    '-f',
    '--seccomp-bpf',
    '-y',
    '-qq',
    '-s',
    '0',
    '-e',
    'signal=none',
    '-e',
    `trace=mmap,munmap,read,pread64,lseek${o.writes ? ',write' : ''}`,
  ];
  try {
    const { code, out } = await new Promise<{ code: number | null; out: string }>((resolve, reject) => {
      const p = spawn('strace', [...straceArgs, '-o', trace, 'makedumpfile', ...args]);
      let out = '';
      p.stdout.on('data', (d) => {
        out += d;
      });
      p.stderr.on('data', (d) => {
        out += d;
      });
      p.on('error', reject);
      p.on('close', (c) => resolve({ code: c, out }));
    });
    if (code !== 0)
      throw new Error(
        `${command} exited ${code}: ${out
          .split(/[\r\n]+/)
          .slice(-8)
          .join(' | ')}`,
      );
    const text = readFileSync(trace, 'utf8');
    const writes = o.writes ? { writes: countWrites(text, output) } : {};
    return { report: parseDumpReport(out), syscalls: countFileSyscalls(text, vmcore), command, ...writes };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
