// Reclaim of chosen pages: page_referenced then try_to_unmap, the way each design finds a page's PTEs.
// pte_chain / multi: walk the page's chain under its rmap lock (each entry leads to a PTE line elsewhere);
// 2.5.35+ with PageDirect collapses a one-entry chain in page_referenced. objrmap: walk every vma of the page's
// anon_vma (anonymous) or of the file's i_mmap, computing the address and reading the PTE in each, mapped or not.
// none (2.4): swap_out scans the page tables of every process.
import type { ChainStore } from './chains.js';
import { CHAIN_ERAS } from './eras.js';
import type { RmapSystem } from './rmap.js';
import { S } from './tally.js';

/** Unmaps every PTE of the given pages; returns the number of PTEs unmapped. */
export function reclaimPages(sys: RmapSystem, pfns: readonly number[]): number {
  if (sys.cfg.kind === 'none') return swapOutScan(sys, pfns);
  let n = 0;
  for (const pfn of pfns) n += sys.cfg.kind === 'objrmap' ? objReclaim(sys, pfn) : chainReclaim(sys, pfn);
  return n;
}

function chainReclaim(sys: RmapSystem, pfn: number): number {
  const ch = sys.chains as ChainStore;
  const sp = sys.space;
  const c = sys.c;
  const spa = sys.mem.structPage[pfn];
  const page = (sym: number) => {
    sys.at(sym, spa + sys.sp.flags); // the page's rmap lock (pte_chain_lock in reclaim)
    sys.rd(sym, spa + sys.sp.pte);
  };
  // page_referenced: test-and-clear the young bit of every PTE.
  sys.setSymbol(S.page_referenced);
  page(S.page_referenced);
  const ptes: number[] = [];
  ch.walk(pfn, (pte) => ptes.push(pte));
  for (const pte of ptes) {
    sys.at(S.page_referenced, sp.pteAddr(sp.mmOf(pte), sp.vpnOf(pte)));
    sys.add(S.page_referenced, c.referencedPerPteCycles);
  }
  if (CHAIN_ERAS[sys.cfg.kind as 'pte_chain' | 'multi'].collapseInReferenced && ch.collapseIfSingle(pfn)) {
    sys.at(S.page_referenced, spa + sys.sp.flags);
    sys.wr(S.page_referenced, spa + sys.sp.pte);
  }
  sys.at(S.page_referenced, spa + sys.sp.flags);
  // try_to_unmap: every PTE cleared and flushed, the page's references dropped, the chain freed.
  sys.setSymbol(S.try_to_unmap);
  page(S.try_to_unmap);
  ch.walk(pfn, () => {});
  for (const pte of ptes) {
    const mm = sp.mmOf(pte);
    const vpn = sp.vpnOf(pte);
    sys.at(S.try_to_unmap, sp.pteAddr(mm, vpn));
    sys.add(S.flush_tlb_page, sys.invlpg);
    sys.at(S.try_to_unmap, spa + sys.sp.count);
    sys.add(S.try_to_unmap, c.unmapPerPteCycles);
    clearPte(sys, mm, vpn, pfn);
  }
  ch.clearPage(pfn);
  sys.wr(S.try_to_unmap, spa + sys.sp.pte);
  sys.at(S.try_to_unmap, spa + sys.sp.flags);
  if (sys.g.highpte) sys.tally.kmapPairs += 2 * ptes.length;
  sp.mapcount[pfn] = 0;
  sp.releaseIfUnmapped(pfn);
  return ptes.length;
}

function objReclaim(sys: RmapSystem, pfn: number): number {
  const sp = sys.space;
  const c = sys.c;
  const anon = sp.anon[pfn] === 1;
  const fam = sp.pageFamily[pfn];
  const file = sp.pageFile[pfn];
  const idx = sp.index[pfn];
  const found: [number, number][] = [];
  let vmas = 0;
  for (const mm of sp.aliveMms()) {
    if (anon) {
      if (sp.family[mm] !== fam) continue;
      vmas++;
      probe(mm, sp.pageVpn[pfn]);
      continue;
    }
    const layout = sp.layouts[mm];
    if (!layout) continue;
    for (const v of layout.vmas) {
      if (v.file !== file || idx < v.pgoff || idx >= v.pgoff + v.end - v.start) continue;
      vmas++;
      probe(mm, v.start + idx - v.pgoff);
    }
  }
  function probe(mm: number, vpn: number): void {
    sys.add(S.page_referenced, c.ptWalkCycles);
    sys.rd(S.page_referenced, sp.pgdEntry(mm, vpn));
    const a = sp.pteAddr(mm, vpn);
    if (a !== 0) sys.rd(S.page_referenced, a);
    if ((sp.ptes[mm] as Int32Array)[vpn] === pfn + 1) found.push([mm, vpn]);
  }
  const spa = sys.mem.structPage[pfn];
  for (const [mm, vpn] of found) {
    sys.at(S.page_referenced, sp.pteAddr(mm, vpn));
    sys.add(S.page_referenced, c.referencedPerPteCycles);
    sys.add(S.try_to_unmap, c.ptWalkCycles + c.unmapPerPteCycles);
    sys.rd(S.try_to_unmap, sp.pgdEntry(mm, vpn));
    sys.at(S.try_to_unmap, sp.pteAddr(mm, vpn));
    sys.add(S.flush_tlb_page, sys.invlpg);
    sys.at(S.try_to_unmap, spa + sys.sp.count);
    sys.at(S.try_to_unmap, spa + sys.sp.count + 4); // _mapcount
    clearPte(sys, mm, vpn, pfn);
  }
  if (sys.g.highpte) sys.tally.kmapPairs += 2 * vmas;
  sp.mapcount[pfn] -= found.length;
  sp.releaseIfUnmapped(pfn);
  return found.length;
}

function swapOutScan(sys: RmapSystem, pfns: readonly number[]): number {
  const sp = sys.space;
  const c = sys.c;
  const want = new Set(pfns);
  let tables = 0;
  const hits: [number, number, number][] = [];
  const per = sys.g.ptesPerTable;
  for (const mm of sp.aliveMms()) {
    const pt = sp.ptes[mm] as Int32Array;
    for (let v0 = 0; v0 < pt.length; v0 += per) {
      let any = false;
      for (let v = v0; v < Math.min(pt.length, v0 + per); v++) {
        const e = pt[v];
        if (e === 0) continue;
        any = true;
        sys.rd(S.swap_out, sp.pteAddr(mm, v));
        sys.add(S.swap_out, c.ptScanPerPteCycles);
        if (want.has(e - 1)) hits.push([mm, v, e - 1]);
      }
      if (any) tables++;
    }
  }
  for (const [mm, vpn, pfn] of hits) {
    sys.at(S.swap_out, sp.pteAddr(mm, vpn));
    sys.add(S.swap_out, c.referencedPerPteCycles + c.unmapPerPteCycles);
    sys.add(S.flush_tlb_page, sys.invlpg);
    sys.at(S.swap_out, sys.mem.structPage[pfn] + sys.sp.count);
    clearPte(sys, mm, vpn, pfn);
    sp.mapcount[pfn]--;
    sp.releaseIfUnmapped(pfn);
  }
  if (sys.g.highpte) sys.tally.kmapPairs += tables;
  return hits.length;
}

function clearPte(sys: RmapSystem, mm: number, vpn: number, pfn: number): void {
  const sp = sys.space;
  const pt = sp.ptes[mm] as Int32Array;
  if (pt[vpn] !== pfn + 1) throw new Error(`reclaim: mm ${mm} vpn ${vpn} does not map page ${pfn}`);
  pt[vpn] = 0;
  sp.present[mm]--;
}
