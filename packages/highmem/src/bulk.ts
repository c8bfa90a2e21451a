// Charging n map + unmap pairs of a fixmap-style slot at once (kmap_atomic, kmap_local): the same cycles and
// counters as n separate calls, with each mapping optionally touched once (TLB walk + shadow fault).
import type { SymbolId, Thread } from '@kmemsim/core';
import type { Machine } from '@kmemsim/mmu';

export interface PairCost {
  mapSym: SymbolId;
  /** Per map: call overhead + PTE write (+ invlpg where the era flushes at map). */
  mapCycles: number;
  unmapSym: SymbolId;
  unmapCycles: number;
  /** Per pair: local invlpgs and guest PTE writes (each may exit, per the virt mode). */
  invlpgs: number;
  pteWrites: number;
}

export function chargePairs(
  m: Machine,
  t: Thread,
  n: number,
  c: PairCost,
  accessSym: SymbolId | undefined,
  shadowFault: number,
): void {
  const k = m.engine.counters;
  const exits = m.virtMode?.exits;
  t.spend(c.mapSym, n * c.mapCycles);
  t.spend(c.unmapSym, n * c.unmapCycles);
  k.add(k.id('invlpg'), n * c.invlpgs);
  const traps = (exits?.pteWrite ? c.pteWrites : 0) + (exits?.invlpg ? c.invlpgs : 0);
  if (traps) k.add(k.id('vm_exits'), n * traps);
  if (accessSym !== undefined) {
    t.spend(accessSym, n * (m.cost.tlbMissCycles + shadowFault));
    k.add(k.id('tlb_miss'), n);
  }
}
