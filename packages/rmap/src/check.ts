// Consistency of the reverse maps with the page tables, for tests: every present PTE has exactly one rmap entry
// and every entry its PTE; chain discipline; mapcounts; no rmap lock left held.
import type { RmapSystem } from './rmap.js';

/** Invariant violations of an RmapSystem now (chains vs PTEs, mapcounts, locks left held); empty when consistent. */
export function checkRmap(sys: RmapSystem): string[] {
  const bad: string[] = [];
  const sp = sys.space;
  const ptesOf = new Map<number, number[]>();
  for (const mm of sp.aliveMms()) {
    const pt = sp.ptes[mm] as Int32Array;
    let present = 0;
    for (let v = 0; v < pt.length; v++) {
      if (pt[v] === 0) continue;
      present++;
      const pfn = pt[v] - 1;
      let l = ptesOf.get(pfn);
      if (!l) ptesOf.set(pfn, (l = []));
      l.push(sp.pteId(mm, v));
    }
    if (present !== sp.present[mm]) bad.push(`mm ${mm}: present count ${sp.present[mm]}, table has ${present}`);
  }
  for (let pfn = 0; pfn < sys.mem.pfnsAllocated; pfn++) {
    const want = ptesOf.get(pfn) ?? [];
    if (sp.mapcount[pfn] !== want.length) bad.push(`page ${pfn}: mapcount ${sp.mapcount[pfn]}, ${want.length} PTEs`);
    if (!sys.chains) continue;
    const got = sys.chains.entries(pfn);
    const w = new Set(want);
    const g = new Set(got);
    if (g.size !== got.length) bad.push(`page ${pfn}: duplicate rmap entries`);
    for (const p of got) if (!w.has(p)) bad.push(`page ${pfn}: rmap entry ${p} without its PTE`);
    for (const p of want) if (!g.has(p)) bad.push(`page ${pfn}: PTE ${p} without rmap entry`);
    bad.push(...sys.chains.checkPage(pfn));
  }
  if (sys.cfg.kind === 'objrmap') {
    // The anon_vma walk must reach every PTE: each mm mapping an anonymous page is in the page's family.
    for (const [pfn, l] of ptesOf) {
      if (sp.anon[pfn] !== 1) continue;
      for (const p of l) {
        if (sp.family[sp.mmOf(p)] !== sp.pageFamily[pfn]) bad.push(`page ${pfn}: PTE ${p} outside its anon_vma`);
      }
    }
  }
  if (sys.locks && sys.locks.heldCount !== 0) bad.push(`${sys.locks.heldCount} rmap locks still held`);
  return bad;
}
