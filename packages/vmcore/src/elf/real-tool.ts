// Runs the real makedumpfile on a written vmcore under strace and returns its report and the system calls it made
// on the vmcore file. Used by the interop test; needs `makedumpfile` and `strace` on PATH.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type DumpReport, parseDumpReport } from './report.js';
import { countFileSyscalls, type FileSyscalls } from './strace.js';

export interface RealDump {
  report: DumpReport;
  syscalls: FileSyscalls;
  /** The command line that ran (for messages). */
  command: string;
}

/** Whether `tool` can be run (found on PATH). */
export function haveTool(tool: string): boolean {
  const r = spawnSync('sh', ['-c', `command -v ${tool}`], { encoding: 'utf8' });
  return r.status === 0 && r.stdout.trim() !== '';
}

/** `makedumpfile -d LEVEL [--non-mmap] -f VMCORE /dev/null` under `strace -f -y`, report at message level 31. */
export function runRealMakedumpfile(vmcore: string, o: { dumpLevel: number; mmap: boolean }): RealDump {
  const dir = mkdtempSync(join(tmpdir(), 'kmemsim-strace-'));
  const trace = join(dir, 'trace');
  const args = [
    '--message-level',
    '31',
    '-d',
    String(o.dumpLevel),
    ...(o.mmap ? [] : ['--non-mmap']),
    '-f',
    vmcore,
    '/dev/null',
  ];
  const command = `makedumpfile ${args.join(' ')}`;
  try {
    const r = spawnSync(
      'strace',
      ['-f', '-y', '-e', 'trace=mmap,munmap,read,pread64,lseek', '-o', trace, 'makedumpfile', ...args],
      { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
    );
    const out = `${r.stdout}\n${r.stderr}`;
    if (r.status !== 0) throw new Error(`${command} exited ${r.status}: ${out.split('\n').slice(-8).join(' | ')}`);
    return { report: parseDumpReport(out), syscalls: countFileSyscalls(readFileSync(trace, 'utf8'), vmcore), command };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
