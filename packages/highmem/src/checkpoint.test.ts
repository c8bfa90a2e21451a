import { readFileSync } from 'node:fs';
import { fc, test } from '@fast-check/vitest';
import i386 from '@kmemsim/arch-i386';
import { ia64 } from '@kmemsim/arch-ia64';
import x86_64 from '@kmemsim/arch-x86_64';
import type { Run } from '@kmemsim/core';
import { Machine } from '@kmemsim/mmu';
import { describe, expect, it } from 'vitest';
import { AddressSpace, type PageRun } from './address-space.js';
import { checkpointParams, type MapKind, runCheckpoint, UNMODELLED } from './checkpoint.js';
import { fitSeed000, runSeed000 } from './experiments/fit.js';
import { SEED000, SEED000_FITTED } from './experiments/seed000.js';
import { WRITE_PATH } from './params.js';

const MiB = 2 ** 20;
const seed000Machine = () => new Machine({ arch: i386, virt: 'kvm-shadow', pae: true });

interface Figure {
  id: string;
  metric: string;
  published: number;
  tolerance: number;
  role: 'calibration' | 'check';
  sets: string[];
  variant: { map: MapKind };
}
const calibration: { figures: Figure[] } = JSON.parse(
  readFileSync(new URL('../../../tools/calibration/000-checkpoint.json', import.meta.url), 'utf8'),
);

function metric(run: Run, path: string): number {
  const [head, ...rest] = path.split('.');
  if (head === 'profile') {
    const row = run.profile.find((r) => r.symbol === rest[0]);
    return row ? (row as unknown as Record<string, number>)[rest[1]] : 0;
  }
  return (run as unknown as Record<string, Record<string, number>>)[head][rest[0]];
}

const within = (f: Figure, v: number) => Math.abs(v - f.published) / f.published <= f.tolerance + 1e-12;

describe('checkpoint: seed 000 experiment (800 MiB, i386 PAE guest, KVM 2.6.29 shadow paging, kmap)', () => {
  const run = runSeed000(i386, SEED000, 'kmap', 800 * MiB);
  run.profile = run.profile.slice(0, 40);

  for (const f of calibration.figures.filter((x) => x.role === 'calibration')) {
    it(`${f.id} (calibration): ${f.published} within ±${f.tolerance * 100} %`, () => {
      expect(within(f, metric(run, f.metric))).toBe(true);
    });
  }

  it('the 16 checks are predictions: these are within tolerance, the others off (a change here is a finding)', () => {
    const ok = calibration.figures.filter((f) => f.role === 'check' && within(f, metric(run, f.metric)));
    expect(ok.map((f) => f.id.replace('000/kmap/', ''))).toEqual([
      'real',
      'ticks/__copy_from_user_ll_nozero',
      'ticks/ext3_do_update_inode',
      'ticks/page_address',
      'ticks/__set_page_dirty',
      'ticks/__mark_inode_dirty',
      'ticks/ext3_get_inode_block',
      'ticks/buffered_rmqueue',
      'ticks/journal_stop',
    ]);
  });

  it('the fitted values are what the fit gives (tools: fitSeed000)', () => {
    const { sources: _s, ...fitted } = SEED000_FITTED;
    expect(fitSeed000(i386)).toEqual(fitted);
  });

  it('one global flush per pkmap wrap: every 512 pages (2 MiB with PAE), two CR4 exits per CPU each', () => {
    expect(run.metrics.pkmap_wraps).toBe(400);
    expect(run.metrics.tlb_flush_global).toBe(400);
    const exits = run.counters.vm_exit as Record<string, number>;
    expect(exits.cr4).toBe(400 * 2 * 2); // sender and the one other vCPU
    expect(exits.cr3).toBe(400); // the idle vCPU is in lazy TLB mode: leave_mm
    expect(exits.apic).toBe(400 * (3 + 1)); // ICR poll + ICR2 + ICR, and the target's EOI
    expect(exits.invlpg).toBe(204_800); // the write path's kunmap_atomic
    expect(exits.pio).toBe(6_400 * 4); // ide_dma_end per 128 KiB request
  });

  it('load = ticks / function size, as readprofile prints it', () => {
    const row = run.profile.find((r) => r.symbol === 'checkpoint_dump_page')!;
    expect(row.load).toBeCloseTo(row.ticks / 65, 4);
  });

  it('no profile row names a function the model does not run: every row is a charged symbol of the model', () => {
    const modelled = new Set([
      ...WRITE_PATH.map((f) => f.symbol),
      'radix_tree_lookup_slot',
      UNMODELLED,
      'checkpoint_dump_page',
      '__copy_from_user_ll_nozero',
      '__block_prepare_write',
      'ide_dma_end',
      ...['kmap', 'kunmap', 'kmap_high', 'kunmap_high', 'page_address', 'set_page_address', 'flush_all_zero_pkmaps'],
      ...['kmap_atomic', 'kunmap_atomic', '_spin_lock', 'on_each_cpu', 'smp_call_function_single'],
      ...['smp_call_function_single_interrupt', 'flat_send_IPI_mask'],
    ]);
    const all = runSeed000(i386, SEED000, 'kmap', 64 * MiB).profile;
    for (const r of all) expect(modelled.has(r.symbol), r.symbol).toBe(true);
    expect(all.some((r) => r.symbol === 'smp_invalidate_interrupt')).toBe(false); // no user-mm shootdowns here
  });
});

describe('checkpoint: sourced values only (no experiment)', () => {
  it('i386 bare metal spends at most half the sys time of the same run under kvm-shadow', () => {
    const sys = (virt: 'none' | 'kvm-shadow') =>
      runCheckpoint({ machine: new Machine({ arch: i386, virt, pae: true }), map: 'kmap', sizeBytes: 800 * MiB }).run
        .time.sys_s;
    expect(sys('none')).toBeLessThanOrEqual(sys('kvm-shadow') / 2);
  });

  it('x86_64 bare metal uses no seed 000 fitted value: the same run without the experiment is unchanged', () => {
    const params = checkpointParams();
    for (const [k, v] of Object.entries(SEED000.params)) expect(params[k as keyof typeof params], k).not.toBe(v);
    const run = runCheckpoint({
      machine: new Machine({ arch: x86_64, virt: 'none' }),
      map: 'kmap',
      sizeBytes: 64 * MiB,
    }).run;
    expect(run.time.user_s).toBeNull(); // unmodelled without the experiment's fitted value, not 0
    expect(run.counters.vm_exits).toBe(0);
  });
});

describe('checkpoint: several writers', () => {
  it('N writers on N CPUs share kmap_lock and the wrap flushes; every page is dumped once', () => {
    const m = new Machine({ arch: i386, virt: 'kvm-shadow', pae: true, cpus: 4 });
    const seen: PageRun[] = [];
    const { run } = runCheckpoint({
      machine: m,
      map: 'kmap',
      sizeBytes: 16 * MiB,
      writers: 4,
      params: { chunkPages: 256 },
      onRun: (r) => seen.push(r),
    });
    expect(seen.reduce((a, r) => a + r.pages, 0)).toBe(4096);
    expect(run.metrics.pkmap_wraps).toBe(8);
    expect(m.engine.counters.get('lock_contended')).toBeGreaterThan(0);
    expect(m.tlb.staleCount).toBe(0);
  });

  it('more CPUs make each wrap flush cost more (one IPI target and its exits per CPU)', () => {
    const sys = (cpus: number) =>
      runCheckpoint({
        machine: new Machine({ arch: i386, virt: 'kvm-shadow', pae: true, cpus }),
        map: 'kmap',
        sizeBytes: 16 * MiB,
      }).run.time.sys_s;
    expect(sys(8)).toBeGreaterThan(sys(2));
  });
});

describe('checkpoint: predictions and other machines', () => {
  it('kmap_atomic and kmap_local run without pkmap flushes but with an invlpg exit per mapping', () => {
    for (const map of ['kmap_atomic', 'kmap_local'] as const) {
      const { run } = runCheckpoint({ machine: seed000Machine(), map, sizeBytes: 64 * MiB });
      expect(run.metrics.pkmap_wraps).toBe(0);
      expect(run.metrics.tlb_flush_global).toBe(0);
      expect(run.metrics.invlpg).toBe(2 * run.metrics.pages);
    }
  });

  it('on x86_64 kmap is page_address(): no mapping work at all', () => {
    for (const map of ['kmap', 'kmap_atomic', 'kmap_local'] as const) {
      const m = new Machine({ arch: x86_64, virt: 'kvm-shadow' });
      const { run } = runCheckpoint({ machine: m, map, sizeBytes: 64 * MiB });
      expect(run.metrics.invlpg + run.metrics.tlb_flush_global).toBe(0);
      expect(run.metrics.vm_exits).toBe(m.engine.counters.get('vm_exit.pio')); // only the IDE port accesses exit
      for (const s of ['kmap_high', 'kunmap_atomic', 'kmap_atomic', 'page_address', 'flush_all_zero_pkmaps']) {
        expect(run.profile.some((r) => r.symbol === s)).toBe(false);
      }
    }
  });

  it("dumps in the arch's page size (ia64: 16 KiB pages) with its copy routine", () => {
    const { run } = runCheckpoint({ machine: new Machine({ arch: ia64 }), map: 'kmap', sizeBytes: 64 * MiB });
    expect(run.metrics.pages).toBe(4096);
    expect(run.profile.some((r) => r.symbol === '__copy_user')).toBe(true);
  });

  it('a slow disk makes the dump I/O-bound: real follows the disk, the writer waits at the dirty limit', () => {
    const { run } = runCheckpoint({ machine: seed000Machine(), map: 'kmap', sizeBytes: 400 * MiB, diskMbps: 5 });
    const diskSeconds = (400 * MiB - 64 * MiB) / 5e6;
    expect(run.time.real_s).toBeGreaterThan(diskSeconds);
    expect(run.time.user_s).toBeNull();
    expect(run.time.real_s).toBeGreaterThan(run.time.sys_s + 30);
  });

  it('same inputs and seed: byte-identical results', () => {
    const a = runCheckpoint({ machine: seed000Machine(), map: 'kmap', sizeBytes: 48 * MiB }).run;
    const b = runCheckpoint({ machine: seed000Machine(), map: 'kmap', sizeBytes: 48 * MiB }).run;
    expect(JSON.stringify(b)).toBe(JSON.stringify(a));
  });
});

// Address spaces with holes: VMAs of random sizes with random gaps.
const spaceArb = fc
  .array(fc.record({ gap: fc.integer({ min: 0, max: 5000 }), pages: fc.integer({ min: 1, max: 9000 }) }), {
    minLength: 1,
    maxLength: 12,
  })
  .map((xs) => {
    let vpn = 0x100;
    return xs.map(({ gap, pages }) => {
      const e = { vpn: vpn + gap, pages };
      vpn = e.vpn + pages;
      return e;
    });
  });

function coverage(runs: PageRun[]): { vpn: number; pages: number }[] {
  const out: { vpn: number; pages: number }[] = [];
  for (const r of runs) {
    const last = out[out.length - 1];
    if (last && last.vpn + last.pages === r.vpn) last.pages += r.pages;
    else out.push({ vpn: r.vpn, pages: r.pages });
  }
  return out;
}

describe('every page is dumped exactly once (fast-check)', () => {
  test.prop([spaceArb, fc.integer({ min: 1, max: 5000 })], { numRuns: 10_000 })(
    'runs cover every extent exactly, in order, with distinct frames',
    (extents, chunk) => {
      const space = new AddressSpace(extents);
      const runs = [...space.runs(chunk)];
      expect(runs.every((r, i) => i === 0 || r.vpn >= runs[i - 1].vpn + runs[i - 1].pages)).toBe(true);
      expect(runs.every((r, i) => i === 0 || r.pfn === runs[i - 1].pfn + runs[i - 1].pages)).toBe(true);
      expect(coverage(runs)).toEqual(coverage(extents.map((e) => ({ ...e, pfn: 0 }))));
      expect(runs.reduce((a, r) => a + r.pages, 0)).toBe(space.pages);
    },
  );

  test.prop([spaceArb, fc.constantFrom('kmap' as const, 'kmap_atomic' as const, 'kmap_local' as const)], {
    numRuns: 150,
  })('the workload dumps each present page once and charges one mapping per page', (extents, map) => {
    const space = new AddressSpace(extents);
    const seen: PageRun[] = [];
    const { run } = runCheckpoint({
      machine: seed000Machine(),
      map,
      space,
      params: { chunkPages: 777 },
      onRun: (r) => seen.push(r),
    });
    expect(coverage(seen)).toEqual(coverage(extents.map((e) => ({ ...e, pfn: 0 }))));
    expect(run.metrics.pages).toBe(space.pages);
    // One fixmap mapping per page for the write path, one more for the dump unless it used kmap.
    expect(run.metrics.invlpg).toBe((map === 'kmap' ? 1 : 2) * space.pages);
  });

  it('rejects overlapping extents', () => {
    expect(
      () =>
        new AddressSpace([
          { vpn: 10, pages: 5 },
          { vpn: 12, pages: 1 },
        ]),
    ).toThrow(/overlap/);
  });
});
