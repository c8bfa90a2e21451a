import { i386 } from '@kmemsim/arch-i386';
import { x86_64 } from '@kmemsim/arch-x86_64';
import { Machine } from '@kmemsim/mmu';
import { describe, expect, it } from 'vitest';
import { overheadPct, PRESETS, type RmapForkOptions, type RmapVariant, runRmapFork } from './workload.js';

const V = (rmap: RmapVariant['rmap'], more: Partial<RmapVariant> = {}): RmapVariant => ({
  rmap,
  direct: false,
  lock: 'bit',
  batch: false,
  ...more,
});

function run(variant: RmapVariant, o: Partial<RmapForkOptions> = {}, pae = false) {
  const machine = new Machine({ arch: o.machine?.arch ?? i386, cpus: o.machine?.cpus ?? 2, pae });
  return runRmapFork({ ...PRESETS['fork-exit'], ...o, machine, variant });
}

describe('seed 003 calibration: pte_chain vs none on the fork-heavy test', () => {
  it('costs about 20 % bottom line (±5 points), i386 defaults', () => {
    const base = run(V('none'));
    const chain = run(V('pte_chain'));
    const pct = overheadPct(chain.real_us, base.real_us);
    expect(pct).toBeGreaterThanOrEqual(15);
    expect(pct).toBeLessThanOrEqual(25);
    expect(pct).toBeCloseTo(19.54, 1);
  });
});

describe('fork + exit workload', () => {
  it('is deterministic: same inputs, same run document', () => {
    const a = JSON.stringify(run(V('multi', { direct: true, lock: 'hashed' }), { pages: 3000 }).run);
    const b = JSON.stringify(run(V('multi', { direct: true, lock: 'hashed' }), { pages: 3000 }).run);
    expect(a).toBe(b);
  });

  it('charges the rmap symbols where the kernel profile shows them', () => {
    const r = run(V('pte_chain'), { pages: 4096 }).run;
    const syms = r.profile.map((p) => p.symbol);
    for (const s of ['copy_page_range', 'zap_pte_range', 'page_add_rmap', 'page_remove_rmap', 'pte_chain_alloc']) {
      expect(syms).toContain(s);
    }
    expect(run(V('none'), { pages: 4096 }).run.profile.map((p) => p.symbol)).not.toContain('page_add_rmap');
    expect(r.variant).toEqual({ rmap: 'pte_chain', direct: 'off', lock: 'bit', batch: 'off' });
  });

  it('rmap memory per mapped PTE follows the node layout (parent + child map every page)', () => {
    // pte_chain: two 8-byte nodes + the 4-byte page->pte word per page, over 2 PTEs.
    expect(run(V('pte_chain'), { pages: 2048 }).rmap_bytes_per_pte).toBe(10);
    // multi: one 64-byte node per page holds both entries.
    expect(run(V('multi'), { pages: 2048 }).rmap_bytes_per_pte).toBe(34);
    expect(run(V('objrmap'), { pages: 2048 }).rmap_bytes_per_pte).toBe(2);
    expect(run(V('none'), { pages: 2048 }).rmap_bytes_per_pte).toBe(0);
  });

  it('PageDirect: a singly mapped page needs no chain node (parent alone, before the fork)', () => {
    const before = (v: RmapVariant) => run(v, { pages: 2048 }).rmap_bytes_per_pte_before_fork;
    expect(before(V('pte_chain'))).toBe(12);
    expect(before(V('pte_chain', { direct: true }))).toBe(4);
    expect(before(V('multi'))).toBe(68);
    expect(before(V('multi', { direct: true }))).toBe(4);
    expect(before(V('objrmap'))).toBe(4);
  });

  it('predictions keep their mechanism order: objrmap < multi < pte_chain; batching and hashed locks help', () => {
    const base = run(V('none')).real_us;
    const pct = (v: RmapVariant) => overheadPct(run(v).real_us, base);
    const chain = pct(V('pte_chain'));
    expect(pct(V('objrmap'))).toBeLessThan(pct(V('multi')));
    expect(pct(V('multi'))).toBeLessThan(chain);
    expect(pct(V('pte_chain', { batch: true }))).toBeLessThan(chain);
    expect(pct(V('pte_chain', { lock: 'hashed' }))).toBeLessThan(chain);
  });

  it('HIGHPTE adds a kmap_atomic per PTE-page visit (i386 PAE)', () => {
    const m = new Machine({ arch: i386, cpus: 2, pae: true });
    const r = runRmapFork({ ...PRESETS['fork-exit'], machine: m, variant: V('pte_chain'), highpte: true });
    const kmap = r.run.profile.find((p) => p.symbol === 'kmap_atomic');
    expect(kmap?.cycles).toBeGreaterThan(0);
    // 16,384 PTEs / 512 per PAE page = 32 tables; per round: 2 visits in fork, 1 in exit; 4 rounds.
    expect(r.run.counters.invlpg).toBe(32 * 3 * 4);
    const off = run(V('pte_chain'), {}, true);
    expect(r.fork_us).toBeGreaterThan(off.fork_us);
  });

  it('children on other CPUs exit while the parent forks the next one', () => {
    const r = runRmapFork({
      ...PRESETS['fork-exit'],
      machine: new Machine({ arch: x86_64, cpus: 4 }),
      variant: V('pte_chain', { lock: 'hashed' }),
      pages: 4096,
      children: 6,
      rounds: 1,
    });
    expect(r.run.counters.rmap).toMatchObject({ lock_transfers: expect.any(Number) });
    expect((r.run.counters.rmap as Record<string, number>).lock_transfers).toBeGreaterThan(0);
    expect(r.real_us).toBeLessThan(6 * (r.fork_us + r.exit_us));
  });
});

describe('reclaim scan: where objrmap moves the cost', () => {
  const reclaim = (rmap: RmapVariant['rmap'], reclaimPages: number) =>
    runRmapFork({
      ...PRESETS.reclaim,
      machine: new Machine({ arch: i386, cpus: 2 }),
      variant: V(rmap),
      workload: 'reclaim',
      reclaimPages,
    }).reclaim_us;

  it('objrmap pays at reclaim (a page-table walk per vma) what it saved at fork', () => {
    expect(reclaim('objrmap', 1024)).toBeGreaterThan(reclaim('pte_chain', 1024));
  });

  it('none scans every page table whatever K is; a reverse map pays per page: they cross over', () => {
    const none64 = reclaim('none', 64);
    const none1k = reclaim('none', 1024);
    const chain64 = reclaim('pte_chain', 64);
    const chain1k = reclaim('pte_chain', 1024);
    expect(none64).toBeGreaterThan(chain64);
    expect(none1k).toBeLessThan(chain1k);
    expect(chain1k / chain64).toBeGreaterThan(12);
  });
});
