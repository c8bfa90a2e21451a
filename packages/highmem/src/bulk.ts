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
  let left = n;
  if (m.vops.shadow) {
    // Pair by pair while the table's shadow state still changes (built, then unsynced); ≤ 2.6.27 emulates each
    // write and detects write floods, so there the order of writes and accesses matters throughout.
    while (left > 0 && (!m.vops.kvm.unsync || !(c.pt.shadowed && c.pt.unsync))) {
      onePair(m, t, 1, c, accessSym);
      left--;
    }
  }
  onePair(m, t, left, c, accessSym);
  t.spend(c.unmapSym, n * (c.unmapCycles + r));
}

function onePair(m: Machine, t: Thread, n: number, c: PairCost, accessSym: SymbolId | undefined): void {
  if (n <= 0) return;
  m.ptWrites(t, c.pt, n, true, c.mapSym);
  if (c.invlpgAt === 'map') m.invlpgs(t, c.pt, n, c.mapSym, true);
  if (accessSym !== undefined) m.firstAccesses(t, c.pt, n, accessSym);
  if (c.invlpgAt === 'unmap') {
    m.ptWrites(t, c.pt, n, false, c.unmapSym);
    m.invlpgs(t, c.pt, n, c.unmapSym);
  }
}
