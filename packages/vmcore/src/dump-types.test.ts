// Item 4 of issue 14: a vmcore-dump run is typed per command. The @ts-expect-error lines are checked by
// `pnpm typecheck` (a misspelt key must not compile); the test checks the typed view matches what the run holds.
import { x86_64 } from '@kmemsim/arch-x86_64';
import { Machine } from '@kmemsim/mmu';
import { describe, expect, it } from 'vitest';
import { PAGE_CLASSES } from './classes.js';
import { runVmcoreDump, type VmcoreMetrics } from './dump.js';
import { buildImage } from './image.js';
import { archForKernel, vmcoreKernel } from './kernel-era.js';

const image = buildImage({ arch: x86_64, memBytes: 64 * 2 ** 20, profile: 'busy-server', seed: 1 });
const kernel = vmcoreKernel('6.1');
const { run } = runVmcoreDump({
  machine: new Machine({ arch: archForKernel(x86_64, kernel), cpus: 2 }),
  image,
  version: '1.7',
  access: 'mmap',
  dumpLevel: 31,
  kernel,
});

describe('VmcoreRun', () => {
  it('has every counter and metric its type names, as numbers', () => {
    const c = run.counters;
    expect(Object.keys(c.syscalls).sort()).toEqual(['lseek', 'mmap', 'munmap', 'read', 'write']);
    expect(Object.keys(c.vmcore).sort()).toEqual(['lseek', 'mmap', 'munmap', 'read']);
    expect(Object.keys(c.pages.excluded).sort()).toEqual(PAGE_CLASSES.filter((k) => k !== 'kernel').sort());
    expect(typeof c.pages.dumped).toBe('number');
    expect(Object.keys(c.mem_map).sort()).toEqual(['struct_pages', 'walks']);
    const metrics: (keyof VmcoreMetrics)[] = [
      'pages_total',
      'pages_dumped',
      'pages_excluded',
      'vmcore_mmap',
      'vmcore_munmap',
      'vmcore_read',
      'syscalls_total',
      'syscalls_mmap_munmap_read',
      'output_bytes',
    ];
    expect(Object.keys(run.metrics).sort()).toEqual([...metrics].sort());
    expect(c.syscalls.mmap).toBeGreaterThanOrEqual(c.vmcore.mmap);
    expect(run.metrics.vmcore_mmap).toBe(c.vmcore.mmap);
  });

  it('rejects a misspelt key at compile time', () => {
    // @ts-expect-error — no such syscall counter
    const a = run.counters.syscalls.mmapp;
    // @ts-expect-error — no such metric
    const b = run.metrics.pages_dumpd;
    expect([a, b]).toEqual([undefined, undefined]);
    // @ts-expect-error — an untyped counter is a CounterTree: it may be a number, so it has no `.mmap`
    expect(() => run.counters.syscals.mmap).toThrow(TypeError);
  });
});
