import { i386 } from '@kmemsim/arch-i386';
import { ia64 } from '@kmemsim/arch-ia64';
import { s390 } from '@kmemsim/arch-s390';
import { x86_64 } from '@kmemsim/arch-x86_64';
import { type ArchProfile, Machine } from '@kmemsim/mmu';
import { describe, expect, it } from 'vitest';
import { runVmcoreDump, type VmcoreDumpOptions } from './dump.js';
import { buildImage } from './image.js';
import { archForKernel, vmcoreKernel } from './kernel-era.js';
import { simulateMakedumpfile } from './makedumpfile.js';
import { copyPathOf, ProcVmcore } from './proc-vmcore.js';

const MiB = 2 ** 20;

function dump(arch: ArchProfile, mib: number, o: Partial<VmcoreDumpOptions> = {}, kernel = '6.1', shift = -1) {
  const image = buildImage({ arch, memBytes: mib * MiB, seed: 1 });
  const k = vmcoreKernel(kernel);
  const machine = new Machine({ arch: archForKernel(arch, k, shift), cpus: 4 });
  return runVmcoreDump({ machine, image, version: '1.7', access: 'read', dumpLevel: 0, kernel: k, ...o });
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

  it('x86_64 read() ≤ 3.5: set_iounmap_nonlazy, each iounmap purges with flush_tlb_all on every CPU', () => {
    const { run, counts } = dump(x86_64, 16, {}, '3.2');
    expect(run.counters.tlb_flush_global).toBe(counts.vmcore.read);
    expect(run.counters.tlb_flush_range ?? 0).toBe(0);
  });

  it('x86_64 read() 3.6–3.16: INVLPG per page unless tlb_flushall_shift is −1 (AMD in 3.6)', () => {
    const amd = dump(x86_64, 16, {}, '3.10', -1);
    const nehalem = dump(x86_64, 16, {}, '3.10', 6); // 512 >> 6 = 8 pages ≥ the area
    const reads = amd.counts.vmcore.read;
    expect(amd.run.counters.tlb_flush_global).toBe(reads);
    expect(nehalem.run.counters.tlb_flush_global ?? 0).toBe(0);
    expect(nehalem.run.counters.tlb_flush_range).toBe(reads);
    expect(nehalem.run.time.sys_s).toBeLessThan(amd.run.time.sys_s);
  });

  it('x86_64 read() 3.17 … 5.18: INVLPG of the area (≤ 33 pages) at each iounmap; 5.19+: lazy, batched purges', () => {
    const k419 = dump(x86_64, 16, {}, '4.19');
    const k61 = dump(x86_64, 16, {}, '6.1');
    const reads = k419.counts.vmcore.read;
    expect(k419.run.counters.tlb_flush_range).toBe(reads);
    expect(k419.run.counters.tlb_flush_global ?? 0).toBe(0);
    const n = (v: unknown) => Number(v ?? 0);
    expect(n(k61.run.counters.tlb_flush_global) + n(k61.run.counters.tlb_flush_range)).toBeLessThan(reads / 100);
    expect(k61.run.time.sys_s).toBeLessThan(k419.run.time.sys_s);
    // --iounmap overrides the era: 6.1 with set_iounmap_nonlazy behaves as 4.19 does.
    const forced = dump(x86_64, 16, { iounmapNonlazy: true }, '6.1');
    expect(forced.run.counters.tlb_flush_range).toBe(reads);
  });

  it('an x86_64 machine not built for the kernel era is refused (no mixture)', () => {
    const image = buildImage({ arch: x86_64, memBytes: 16 * MiB, seed: 1 });
    const machine = new Machine({ arch: x86_64, cpus: 1 });
    const run = () =>
      runVmcoreDump({ machine, image, version: '1.7', access: 'read', dumpLevel: 0, kernel: vmcoreKernel('6.1') });
    expect(run).toThrow(/archForKernel/);
  });

  it('before 3.11 /proc/vmcore has no mmap: the one mmap fails and makedumpfile reads', () => {
    const { counts } = dump(x86_64, 64, { access: 'mmap', dumpLevel: 31 }, '3.10');
    const read = dump(x86_64, 64, { access: 'read', dumpLevel: 31 }, '3.10').counts.vmcore;
    expect(counts.vmcore).toMatchObject({ mmap: 1, munmap: 0, read: read.read, lseek: read.lseek });
  });

  it('s390 munmap: IPTE per PTE before ptep_flush_lazy (3.11), one lazy mm-wide flush per munmap from 3.12', () => {
    const old = dump(s390, 64, { access: 'mmap' }, '3.11');
    const lazy = dump(s390, 64, { access: 'mmap' }, '3.12');
    expect(old.run.counters.ipte).toBe(old.counts.vmcore.munmapPages);
    expect(old.run.counters.tlb_flush_mm ?? 0).toBe(0);
    expect(lazy.run.counters.tlb_flush_mm).toBe(lazy.counts.vmcore.munmap);
    expect(lazy.run.counters.ipte ?? 0).toBe(0);
    expect(sym(lazy.run, '__ptep_ipte')).toBe(0);
  });

  it('i386 read(): kmap_atomic_pfn — one local invlpg per page, no global flush', () => {
    const { run, counts } = dump(i386, 64);
    expect(run.counters.invlpg).toBe(counts.vmcore.read);
    expect(run.counters.tlb_flush_global ?? 0).toBe(0);
  });

  it('mmap(): remap_pfn_range per window page, munmap tears down page by page and flushes by size', () => {
    const { run, counts } = dump(x86_64, 64, { access: 'mmap' });
    const v = counts.vmcore;
    expect(sym(run, 'remap_pfn_range')).toBe(v.mmapPages * x86_64.costs.pteSetCycles);
    expect(sym(run, 'unmap_single_vma')).toBe(v.munmapPages * (8 + x86_64.costs.pteClearCycles));
    // flush_tlb_mm_range (3.17+): windows of ≤ 33 pages by INVLPG, larger ones a full flush of the process.
    const sizes = Object.entries(v.munmapSizes).map(([k, n]) => [Number(k), n]);
    const small = sizes.filter(([k]) => k <= 33);
    expect(run.counters.tlb_flush_local).toBe(v.munmap - small.reduce((a, [, n]) => a + n, 0));
    expect(run.counters.invlpg ?? 0).toBe(small.reduce((a, [k, n]) => a + k * n, 0));
  });

  it('x86 flush_tlb_mm_range by size: INVLPG per page up to the ceiling (33 in 3.17+, 0 before 3.6)', () => {
    const unmap = (kernel: string) => {
      const k = vmcoreKernel(kernel);
      const m = new Machine({ arch: archForKernel(x86_64, k), cpus: 1 });
      const proc = new ProcVmcore(m, { kernel: k });
      m.engine.spawn(0, 'makedumpfile', function* (t) {
        yield undefined;
        proc.munmap(t, { n: 3, pages: 1024 + 20 + 33, small: 2, smallPages: 53, full: 1 });
      });
      m.engine.run();
      return { invlpg: m.engine.counters.get('invlpg'), flushes: m.engine.counters.get('tlb_flush_local') };
    };
    expect(unmap('4.19')).toEqual({ invlpg: 53, flushes: 1 });
    // The caller splits by the machine's ceiling; the flushes follow what it was told.
    expect(archForKernel(x86_64, vmcoreKernel('3.2')).tlb.rangeFlushCeilingPages).toBe(0);
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
