// Charging n map + unmap pairs of a fixmap-style slot at once (kmap_atomic, kmap_local): the same cycles and
// counters as n separate calls, with each mapping optionally touched once (TLB walk, shadow fault under
// kvm-shadow). Exits come from the machine's virt mechanism, which sees the writes to the fixmap table.
import type { SymbolId, Thread } from '@kmemsim/core';
import type { GuestPageTable, Machine } from '@kmemsim/mmu';

export interface PairCost {
  pt: GuestPageTable;
  mapSym: SymbolId;
  /** Per map: the call's own cycles (the PTE write and refill are added here). */
  mapCycles: number;
  unmapSym: SymbolId;
  unmapCycles: number;
  /** Where the era puts the one local invlpg: at map (≤ 2.6.18, after set_pte) or unmap (after pte_clear). */
  invlpgAt: 'map' | 'unmap';
}

export function chargePairs(m: Machine, t: Thread, n: number, c: PairCost, accessSym: SymbolId | undefined): void {
  const r = m.cost.refillCyclesPerCall;
  t.spend(c.mapSym, n * (c.mapCycles + r));
  if (m.vops.shadow && !m.vops.kvm.unsync) {
    // ≤ 2.6.27 emulates each write and detects write floods: the order of writes and accesses matters.
    for (let i = 0; i < n; i++) onePair(m, t, 1, c, accessSym);
  } else onePair(m, t, n, c, accessSym);
  t.spend(c.unmapSym, n * (c.unmapCycles + r));
}

function onePair(m: Machine, t: Thread, n: number, c: PairCost, accessSym: SymbolId | undefined): void {
  m.ptWrites(t, c.pt, n, true, c.mapSym);
  if (c.invlpgAt === 'map') m.invlpgs(t, c.pt, n, c.mapSym, true);
  if (accessSym !== undefined) m.firstAccesses(t, c.pt, n, accessSym);
  if (c.invlpgAt === 'unmap') {
    m.ptWrites(t, c.pt, n, false, c.unmapSym);
    m.invlpgs(t, c.pt, n, c.unmapSym);
  }
}
