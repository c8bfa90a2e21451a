import { readFileSync } from 'node:fs';
import { fc, test } from '@fast-check/vitest';
import i386 from '@kmemsim/arch-i386';
import { ia64 } from '@kmemsim/arch-ia64';
import x86_64 from '@kmemsim/arch-x86_64';
import type { Run } from '@kmemsim/core';
import { Machine } from '@kmemsim/mmu';
import { describe, expect, it } from 'vitest';
import { AddressSpace, type PageRun } from './address-space.js';
import { type MapKind, runCheckpoint } from './checkpoint.js';

const MiB = 2 ** 20;
const seed000 = () => new Machine({ arch: i386, virt: 'kvm-shadow', pae: true });

interface Figure {
  id: string;
  metric: string;
  published: number;
  tolerance: number;
  variant: { map: MapKind };
}
const calibration: { figures: Figure[] } = JSON.parse(
  readFileSync(new URL('../../../tools/calibration/000-checkpoint.json', import.meta.url), 'utf8'),
);

function metric(run: Run, path: string): number {
  const [head, ...rest] = path.split('.');
  if (head === 'profile') {
    const row = run.profile.find((r) => r.symbol === rest[0]);
    return row ? (row as unknown as Record<string, number>)[rest[1]] : Number.NaN;
  }
  return (run as unknown as Record<string, Record<string, number>>)[head][rest[0]];
}

// The published top 20 of seed 000 (kmap variant), ticks at 250 Hz.
const PUBLISHED_TOP20: [string, number][] = [
  ['checkpoint_dump_page', 788],
  ['__copy_from_user_ll_nozero', 423],
  ['kunmap_atomic', 415],
  ['__block_prepare_write', 268],
  ['ide_dma_end', 87],
  ['lookup_bh_lru', 50],
  ['on_each_cpu', 44],
  ['ext3_do_update_inode', 40],
  ['smp_invalidate_interrupt', 39],
  ['page_address', 39],
  ['__set_page_dirty', 38],
  ['__mark_inode_dirty', 31],
  ['do_get_write_access', 30],
  ['radix_tree_lookup_slot', 29],
  ['ext3_get_inode_block', 26],
  ['set_page_address', 25],
  ['buffered_rmqueue', 25],
  ['journal_stop', 24],
  ['journal_add_journal_head', 24],
  ['kmem_cache_alloc', 23],
];

describe('checkpoint: seed 000 calibration (800 MiB, i386 PAE guest, kvm-shadow, kmap)', () => {
  const { run } = runCheckpoint({ machine: seed000(), map: 'kmap', sizeBytes: 800 * MiB });

  for (const f of calibration.figures) {
    it(`${f.id}: ${f.published} within ±${f.tolerance * 100} %`, () => {
      const v = metric(run, f.metric);
      expect(Math.abs(v - f.published) / f.published).toBeLessThanOrEqual(f.tolerance);
    });
  }

  it('the top five are the published top five, in order', () => {
    expect(run.profile.slice(0, 5).map((r) => r.symbol)).toEqual(PUBLISHED_TOP20.slice(0, 5).map(([s]) => s));
  });

  it('the other published rows that set a parameter are within ±25 % (smp_invalidate_interrupt is a known miss)', () => {
    for (const [sym, ticks] of PUBLISHED_TOP20.slice(5)) {
      if (sym === 'smp_invalidate_interrupt') continue;
      const row = run.profile.find((r) => r.symbol === sym);
      expect(row, sym).toBeDefined();
      expect(Math.abs(row!.ticks - ticks) / ticks, sym).toBeLessThanOrEqual(0.25);
    }
  });

  it('one global flush per pkmap wrap: every 512 pages (2 MiB with PAE)', () => {
    expect(run.metrics.pkmap_wraps).toBe(400);
    expect(run.metrics.tlb_flush_global).toBe(400);
  });

  it('load = ticks / function size, as readprofile prints it', () => {
    const row = run.profile.find((r) => r.symbol === 'checkpoint_dump_page')!;
    expect(row.load).toBeCloseTo(row.ticks / 65, 4);
  });
});

describe('checkpoint: predictions and other machines', () => {
  it('kmap_atomic and kmap_local run without pkmap flushes but with an invlpg exit per mapping', () => {
    for (const map of ['kmap_atomic', 'kmap_local'] as const) {
      const { run } = runCheckpoint({ machine: seed000(), map, sizeBytes: 64 * MiB });
      expect(run.metrics.pkmap_wraps).toBe(0);
      expect(run.metrics.tlb_flush_global).toBe(0);
      expect(run.metrics.invlpg).toBe(2 * run.metrics.pages);
    }
  });

  it('on x86_64 kmap is page_address(): no mapping work at all', () => {
    for (const map of ['kmap', 'kmap_atomic', 'kmap_local'] as const) {
      const m = new Machine({ arch: x86_64, virt: 'kvm-shadow' });
      const { run } = runCheckpoint({ machine: m, map, sizeBytes: 64 * MiB });
      expect(run.metrics.invlpg + run.metrics.tlb_flush_global + run.metrics.vm_exits).toBe(0);
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
    const { run } = runCheckpoint({ machine: seed000(), map: 'kmap', sizeBytes: 400 * MiB, diskMbps: 5 });
    const diskSeconds = (400 * MiB - 64 * MiB) / 5e6;
    expect(run.time.real_s).toBeGreaterThan(diskSeconds);
    expect(run.time.real_s).toBeGreaterThan(run.time.user_s + run.time.sys_s + 30);
  });

  it('same inputs and seed: byte-identical results', () => {
    const a = runCheckpoint({ machine: seed000(), map: 'kmap', sizeBytes: 48 * MiB }).run;
    const b = runCheckpoint({ machine: seed000(), map: 'kmap', sizeBytes: 48 * MiB }).run;
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
      machine: seed000(),
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
