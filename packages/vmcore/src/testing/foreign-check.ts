// A foreign vmcore (foreign-core.ts) against the real makedumpfile 1.7.2 under strace: every call on the vmcore
// equals what the model predicts from the file (--image), and the excluded-page report equals what was planted.
import { rmSync } from 'node:fs';
import { CLASS_CODE, excludes, PAGE_CLASSES } from '../classes.js';
import { type RealDumpOptions, runRealMakedumpfile } from '../elf/real-tool.js';
import { simulateSpec } from '../makedumpfile.js';
import { readVmcoreFile } from '../node/vmcore-file.js';
import { type ForeignOptions, writeForeignCore } from './foreign-core.js';

export async function checkForeignCore(path: string, o: ForeignOptions, runs: RealDumpOptions[]): Promise<string[]> {
  const f = writeForeignCore(path, o);
  const misses: string[] = [];
  try {
    const file = readVmcoreFile(path);
    for (const r of runs) {
      const real = await runRealMakedumpfile(path, r);
      const m = simulateSpec(file.spec, {
        version: '1.7.2',
        access: r.mmap ? 'mmap' : 'read',
        dumpLevel: r.dumpLevel,
        format: r.elf ? 'elf' : 'kdump',
        cyclicBufferBytes: r.cyclicBufferKiB === undefined ? undefined : r.cyclicBufferKiB * 1024,
      }).vmcore;
      for (const k of ['mmap', 'munmap', 'read', 'lseek'] as const)
        if (real.syscalls[k] !== m[k])
          misses.push(`${real.command}: ${k} observed ${real.syscalls[k]}, --image ${m[k]}`);
      const want: Record<string, number> = { zero: 0, cache: 0, private: 0, user: 0, free: 0 };
      for (const c of PAGE_CLASSES) if (c !== 'kernel' && excludes(r.dumpLevel, CLASS_CODE[c])) want[c] = f.planted[c];
      if (r.dumpLevel & 1) want.zero += f.zeroKernel;
      const { hwpoison: _h, offline: _o, ...seen } = real.report.excluded;
      if (JSON.stringify(seen) !== JSON.stringify(want))
        misses.push(`${real.command}: excluded ${JSON.stringify(seen)}, planted ${JSON.stringify(want)}`);
    }
  } finally {
    rmSync(path, { force: true });
  }
  return misses;
}
