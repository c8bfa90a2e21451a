import { i386 } from '@kmemsim/arch-i386';
import { ia64 } from '@kmemsim/arch-ia64';
import { s390 } from '@kmemsim/arch-s390';
import { x86_64 } from '@kmemsim/arch-x86_64';
import { type ArchProfile, Machine } from '@kmemsim/mmu';
import { describe, expect, it } from 'vitest';
import { runVmcoreDump, type VmcoreDumpOptions } from './dump.js';
import { buildImage } from './image.js';
import { simulateMakedumpfile } from './makedumpfile.js';
import { copyPathOf } from './proc-vmcore.js';

const MiB = 2 ** 20;

function dump(arch: ArchProfile, mib: number, o: Partial<VmcoreDumpOptions> = {}) {
  const image = buildImage({ arch, memBytes: mib * MiB, seed: 1 });
  const machine = new Machine({ arch, cpus: 4 });
  return runVmcoreDump({ machine, image, version: '1.7', access: 'read', dumpLevel: 0, ...o });
}

const sym = (run: { profile: { symbol: string; cycles: number }[] }, name: string) =>
  run.profile.find((p) => p.symbol === name)?.cycles ?? 0;

describe('runVmcoreDump', () => {
  it('copy_oldmem_page per arch: ioremap, bounce, kmap_atomic, direct', () => {
    expect([x86_64, s390, i386, ia64].map((a) => copyPathOf(new Machine({ arch: a, cpus: 2 })))).toEqual([
      'ioremap',
      'bounce',
      'kmap_atomic',
      'direct',
    ]);
  });

  it('s390 read(): two copies per page (memcpy_real into the bounce page, then copy_to_user)', () => {
    const { run, counts } = dump(s390, 64);
    const reads = counts.vmcore.read;
    expect(sym(run, 'memcpy_real')).toBeCloseTo(reads * 4096 * s390.costs.bounceCopyCyclesPerByte, 0);
    expect(sym(run, '__copy_to_user')).toBeCloseTo(reads * 4096 * s390.costs.copyUserCyclesPerByte, 0);
    expect(run.counters.tlb_flush_global ?? 0).toBe(0);
  });

  it('x86_64 read(): one vmap area per page; set_iounmap_nonlazy flushes every CPU at each iounmap', () => {
    const nonlazy = dump(x86_64, 16);
    const lazy = dump(x86_64, 16, { iounmapNonlazy: false });
    const reads = nonlazy.counts.vmcore.read;
    expect(nonlazy.run.counters.tlb_flush_global).toBe(reads);
    expect(lazy.run.counters.tlb_flush_global).toBeLessThan(reads / 100);
    // Lazily freed ioremap areas pile up to lazy_max_pages, and 2.6.28's alloc_vmap_area walks past every one
    // of them (rb_next) for each new ioremap: without set_iounmap_nonlazy the dump costs more sys time.
    expect(lazy.run.time.sys_s).toBeGreaterThan(nonlazy.run.time.sys_s);
  });

  it('i386 read(): kmap_atomic_pfn — one local invlpg per page, no global flush', () => {
    const { run, counts } = dump(i386, 64);
    expect(run.counters.invlpg).toBe(counts.vmcore.read);
    expect(run.counters.tlb_flush_global ?? 0).toBe(0);
  });

  it('mmap(): remap_pfn_range per window page, munmap tears down page by page', () => {
    const { run, counts } = dump(x86_64, 64, { access: 'mmap' });
    expect(sym(run, 'remap_pfn_range')).toBe(counts.vmcore.mmapPages * x86_64.costs.pteSetCycles);
    expect(sym(run, 'unmap_single_vma')).toBe(counts.vmcore.munmapPages * (8 + x86_64.costs.pteClearCycles));
    expect(run.counters.tlb_flush_local).toBe(counts.vmcore.munmap);
  });

  it('counters.syscalls are the model counts; same seed ⇒ identical run', () => {
    const a = dump(s390, 64, { access: 'mmap', dumpLevel: 31, version: '1.5.7' });
    const b = dump(s390, 64, { access: 'mmap', dumpLevel: 31, version: '1.5.7' });
    const img = buildImage({ arch: s390, memBytes: 64 * MiB, seed: 1 });
    const model = simulateMakedumpfile(img, { version: '1.5.7', access: 'mmap', dumpLevel: 31 });
    expect(a.run.counters.syscalls).toEqual(model.syscalls);
    expect(JSON.stringify(b.run)).toBe(JSON.stringify(a.run));
    expect(a.run.variant).toEqual({ access: 'mmap', dump_level: 31 });
  });

  it('a disk output overlaps writeback with CPU work and shows io-wait', () => {
    const nul = dump(s390, 64);
    const disk = dump(s390, 64, { output: 'disk' });
    expect(disk.run.time.real_s).toBeGreaterThan(nul.run.time.real_s);
    expect(sym(disk.run, 'io_schedule')).toBeGreaterThan(0);
  });
});
