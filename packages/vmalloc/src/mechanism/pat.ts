// A page-attribute change (x86 set_memory_uc / set_memory_wc …, or Xen pinning a page-table page): Xen and PAT
// cannot tolerate a virtual alias of the page with other attributes, so the kernel first calls
// vm_unmap_aliases() (and kmap_flush_unused). Afterwards every alias still left is reported: a TLB entry still
// translating a freed vmap address to the frame (the machine's stale detector, kind 'alias'), or — where the
// design leaves PTEs to the purge (2.6.28–2.6.36) — a freed area whose PTE still maps it.
import type { Thread } from '@kmemsim/core';
import type { Machine } from '@kmemsim/mmu';
import type { Gen, Vmap } from '../types.js';

/** Changes `pfn`'s attributes the way set_memory_* does; returns the aliases found (0 when correct). */
export function* changePageAttr(m: Machine, vm: Vmap, t: Thread, pfn: number): Gen<number> {
  yield* vm.unmapAliases(t);
  const stale = m.tlb.staleAliases(pfn);
  for (const s of stale) m.tlb.report('alias', s.cpu, s.vpn, pfn, m.tlb.pte.get(s.vpn), t.clock);
  const ptes = vm.pteAliases(pfn);
  for (const vpn of ptes) m.tlb.report('alias', t.cpu, vpn, pfn, pfn, t.clock);
  m.engine.counters.bump('pat.attr_changes', 1, 'page-attribute changes (set_memory_* / Xen pinning)');
  return stale.length + ptes.length;
}
