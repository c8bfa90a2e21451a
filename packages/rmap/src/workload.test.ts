import { i386, i386Numaq, i386P4, i386Piii } from '@kmemsim/arch-i386';
import { Machine } from '@kmemsim/mmu';
import { describe, expect, it } from 'vitest';
import { SEED003 } from './experiments/seed003.js';
import { RmapConfigError } from './rmap.js';
import { overheadPct, PRESETS, type RmapForkOptions, type RmapVariant, runRmapFork } from './workload.js';

const V = (rmap: RmapVariant['rmap'], more: Partial<RmapVariant> = {}): RmapVariant => ({
  rmap,
  direct: false,
  lock: 'bit',
  batch: false,
  alloc: 'slab',
  ...more,
});

function run(variant: RmapVariant, o: Partial<RmapForkOptions> = {}, pae = false) {
  const machine = new Machine({ arch: o.machine?.arch ?? i386Piii, cpus: o.machine?.cpus ?? 2, pae });
  return runRmapFork({ ...PRESETS['fork-exit'], pages: 2048, rounds: 2, ...o, machine, variant });
}

describe('seed 003: the experiment profile (one fitted parameter)', () => {
  const d = SEED003.defaults;
  const seed = (lock: RmapVariant['lock'], rmap: RmapVariant['rmap'] = 'pte_chain') =>
    runRmapFork({
      machine: new Machine({ arch: i386Piii, cpus: SEED003.cpus }),
      variant: V(rmap, { lock, alloc: d.alloc }),
      ...d,
      loopCyclesPerPage: SEED003.fitted.loopCyclesPerPage,
    }).real_us;
  const none = seed('bit', 'none');

  it('pte_chain vs none: about 20 % bottom line (calibration, ±5 points)', () => {
    expect(overheadPct(seed('bit'), none)).toBeCloseTo(20, 0);
  });

  it('hashed lock_rmap (Phillips) cuts it by a percent or two (check: 18.5 ± 1, not fitted)', () => {
    const hashed = overheadPct(seed('hashed'), none);
    expect(hashed).toBeGreaterThanOrEqual(17.5);
    expect(hashed).toBeLessThanOrEqual(19.5);
  });
});

describe('fork + exit workload', () => {
  it('is deterministic: same inputs, same run document', () => {
    const v = V('multi', { direct: true, lock: 'hashed', alloc: 'percpu' });
    expect(JSON.stringify(run(v).run)).toBe(JSON.stringify(run(v).run));
  });

  it('charges each era’s allocator under its own symbols', () => {
    const syms = (v: RmapVariant) => run(v).run.profile.map((p) => p.symbol);
    for (const s of ['copy_page_range', 'zap_pte_range', 'page_add_rmap', 'page_remove_rmap', 'kmem_cache_alloc'])
      expect(syms(V('pte_chain'))).toContain(s);
    expect(syms(V('pte_chain', { alloc: 'freelist' }))).toContain('pte_chain_alloc');
    expect(syms(V('pte_chain', { alloc: 'freelist' }))).not.toContain('kmem_cache_alloc');
    expect(syms(V('none'))).not.toContain('page_add_rmap');
    expect(run(V('pte_chain')).run.variant).toEqual({
      rmap: 'pte_chain',
      direct: 'off',
      lock: 'bit',
      batch: 'off',
      alloc: 'slab',
    });
  });

  it('rmap memory per mapped PTE follows the node layout of the machine (PIII: 32-byte lines)', () => {
    // pte_chain: two 8-byte nodes + the 4-byte page->pte word per page, over 2 PTEs.
    expect(run(V('pte_chain')).rmap_bytes_per_pte).toBe(10);
    // multi: one 32-byte node (NRPTE 7) per page holds both entries.
    expect(run(V('multi')).rmap_bytes_per_pte).toBe(18);
    expect(run(V('objrmap')).rmap_bytes_per_pte).toBe(2);
    expect(run(V('none')).rmap_bytes_per_pte).toBe(0);
    // P4: 128-byte lines, NRPTE 31.
    expect(run(V('multi'), { machine: new Machine({ arch: i386P4, cpus: 2 }) }).rmap_bytes_per_pte).toBe(66);
  });

  it('PageDirect: a singly mapped page needs no chain node (parent alone, before the fork)', () => {
    const before = (v: RmapVariant) => run(v).rmap_bytes_per_pte_before_fork;
    expect(before(V('pte_chain'))).toBe(12);
    expect(before(V('pte_chain', { direct: true }))).toBe(4);
    expect(before(V('multi'))).toBe(36);
    expect(before(V('multi', { direct: true }))).toBe(4);
    expect(before(V('objrmap'))).toBe(4);
  });

  it('hashed locks take fewer locked operations: akpm (held in zap too) < Phillips (copy only) < bit', () => {
    const real = (lock: RmapVariant['lock']) => run(V('pte_chain', { lock })).real_us;
    const acq = (lock: RmapVariant['lock']) =>
      (run(V('pte_chain', { lock })).run.counters.rmap as Record<string, number>).lock_acquisitions;
    expect(real('hashed-akpm')).toBeLessThan(real('hashed'));
    expect(real('hashed')).toBeLessThan(real('bit'));
    // 2,048 pages faulted in (a lock each), then 2 rounds: the bit lock once per page in fork and exit, Phillips'
    // lock once per 16 pages in fork and per page in exit, akpm's once per 16 pages in both.
    expect(acq('bit')).toBe(2048 + 2 * 2 * 2048);
    expect(acq('hashed')).toBe(2048 + 2 * (2048 / 16 + 2048));
    expect(acq('hashed-akpm')).toBe(2048 + 2 * 2 * (2048 / 16));
  });

  it('HIGHPTE adds a kmap_atomic per PTE-page visit (PAE)', () => {
    const r = run(V('pte_chain'), { highpte: true, pages: 16_384, rounds: 1 }, true);
    const kmap = r.run.profile.find((p) => p.symbol === 'kmap_atomic');
    expect(kmap?.cycles).toBeGreaterThan(0);
    // 16,384 PTEs / 512 per PAE page = 32 tables; 2 visits in fork, 1 in exit.
    expect(r.run.counters.invlpg).toBe(32 * 3);
    expect(r.fork_us).toBeGreaterThan(run(V('pte_chain'), { pages: 16_384, rounds: 1 }, true).fork_us);
  });

  it('children on other CPUs exit while the parent forks the next one', () => {
    const r = runRmapFork({
      ...PRESETS['fork-exit'],
      machine: new Machine({ arch: i386Piii, cpus: 2 }),
      variant: V('pte_chain', { lock: 'hashed' }),
      pages: 2048,
      children: 6,
      rounds: 1,
    });
    expect(r.real_us).toBeLessThan(6 * (r.fork_us + r.exit_us));
    const c = r.run.counters.cache as Record<string, number>;
    expect(c.transfers_local).toBeGreaterThan(0);
  });

  it('refuses a machine without cache geometry', () => {
    expect(() => run(V('pte_chain'), { machine: new Machine({ arch: i386, cpus: 2 }) })).toThrow(RmapConfigError);
  });
});

describe('reclaim scan', () => {
  const reclaim = (rmap: RmapVariant['rmap'], reclaimPages: number) =>
    runRmapFork({
      ...PRESETS.reclaim,
      pages: 4096,
      machine: new Machine({ arch: i386Piii, cpus: 2 }),
      variant: V(rmap),
      workload: 'reclaim',
      reclaimPages,
    }).reclaim_us;

  it('none scans every page table whatever K is; a reverse map pays per page: they cross over', () => {
    expect(reclaim('none', 16)).toBeGreaterThan(reclaim('pte_chain', 16));
    expect(reclaim('none', 4096)).toBeLessThan(reclaim('pte_chain', 4096));
  });

  it('children on CPUs of their own all wait for the scan, then exit (several waiters on one gate)', () => {
    const on = (cpus: number) =>
      runRmapFork({
        ...PRESETS.reclaim,
        pages: 1024,
        machine: new Machine({ arch: i386Numaq, cpus }),
        variant: V('pte_chain'),
        workload: 'reclaim',
      });
    // 4 children: one CPU each on 5 CPUs; on 16 the other 11 workers idle. Same scan, same exits either way.
    const a = on(5);
    const b = on(16);
    expect(a.reclaim_us).toBeGreaterThan(0);
    expect(a.real_us).toBeGreaterThan(a.reclaim_us + a.exit_us);
    expect([b.reclaim_us, b.exit_us, b.fork_us]).toEqual([a.reclaim_us, a.exit_us, a.fork_us]);
  });
});
