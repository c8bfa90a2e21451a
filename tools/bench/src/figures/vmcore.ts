// The vmcore model's speed: the four seed 001 combinations (s390, 1.5 GiB, read/mmap × -d 0/31) together in
// ≤ 1 s, and a 16 TiB x86_64 image dumped with -d 31 over mmap (makedumpfile 1.7) in ≤ 10 s and ≤ 1 GiB of RSS.
import { s390 } from '@kmemsim/arch-s390';
import { x86_64 } from '@kmemsim/arch-x86_64';
import { Machine } from '@kmemsim/mmu';
import { archForKernel, buildImage, runVmcoreDump, SEED001, vmcoreKernel } from '@kmemsim/vmcore';
import { bestMs, type Figure } from '../figure.js';

function seed001Four(): void {
  const image = buildImage({ arch: s390, memBytes: 1.5 * 2 ** 30, seed: 1 });
  for (const access of ['read', 'mmap'] as const) {
    for (const dumpLevel of [0, 31]) {
      const kernel = vmcoreKernel(SEED001.config.kernel);
      runVmcoreDump({ machine: new Machine({ arch: s390 }), image, version: '1.5.7', access, dumpLevel, kernel });
    }
  }
}

let rssAfter16TiB = 0;
let cpuOf16TiB = 0;

function dump16TiB(): number {
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const image = buildImage({ arch: x86_64, memBytes: 16 * 2 ** 40, seed: 1 });
  const kernel = vmcoreKernel('6.1');
  const machine = new Machine({ arch: archForKernel(x86_64, kernel), cpus: 1 });
  runVmcoreDump({ machine, image, version: '1.7.2', access: 'mmap', dumpLevel: 31, kernel });
  const ms = performance.now() - t0;
  const c = process.cpuUsage(c0);
  cpuOf16TiB = (c.user + c.system) / 1000;
  rssAfter16TiB = Math.max(rssAfter16TiB, process.memoryUsage().rss);
  return ms;
}

export const vmcoreFigures: Figure[] = [
  {
    name: 'vmcore_seed001_four_runs_ms',
    description: 'wall ms for the 4 seed 001 runs together: s390 1.5 GiB, makedumpfile 1.5.7, read/mmap × -d 0/31',
    target: '≤ 1,000',
    meets: (v) => v <= 1000,
    measure: () => Math.round(bestMs(seed001Four, 3)),
  },
  {
    name: 'vmcore_16tib_d31_mmap_ms',
    description: 'wall ms to build a 16 TiB x86_64 image and dump it with -d 31 over mmap (makedumpfile 1.7)',
    target: '≤ 10,000',
    meets: (v) => v <= 10_000,
    measure: () => Math.round(dump16TiB()),
  },
  {
    name: 'vmcore_16tib_d31_mmap_cpu_ms',
    description:
      'CPU ms (user + sys) of the same 16 TiB build + -d 31 dump: the wall figure without the wait for a shared CPU',
    target: '≤ 10,000',
    meets: (v) => v <= 10_000,
    measure: () => {
      if (cpuOf16TiB === 0) dump16TiB();
      return Math.round(cpuOf16TiB);
    },
  },
  {
    name: 'vmcore_16tib_rss_mib',
    description: 'process RSS (MiB) after the 16 TiB -d 31 mmap dump (process.memoryUsage().rss)',
    target: '≤ 1,024',
    meets: (v) => v <= 1024,
    measure: () => {
      if (rssAfter16TiB === 0) dump16TiB();
      return Math.round(rssAfter16TiB / 2 ** 20);
    },
  },
];
