// Reclaim of chosen pages: page_referenced then try_to_unmap, the way each design finds a page's PTEs.
// pte_chain / multi: walk the page's chain (each entry is a PTE address; its line is cold). objrmap: walk every
// vma of the page's anon_vma (anonymous) or of the file's i_mmap, computing the address and walking the page
// table in each, mapped or not. none (2.4): swap_out scans the page tables of every process.
import type { ChainStore } from './chains.js';
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
  const c = sys.c;
  const t = sys.tally;
  const ptes: number[] = [];
  ch.work.reset();
  ch.walk(pfn, (pte) => ptes.push(pte));
  const touch = ch.work.nodeTouches * sys.nodeTouchCycles() + ch.work.slotsScanned * c.slotCompareCycles;
  const k = ptes.length;
  // page_referenced under the page's rmap lock: a cold PTE line per entry.
  t.add(S.page_referenced, sys.lockCycles + touch + k * (c.referencedPerPteCycles + sys.miss));
  // try_to_unmap walks the chain again, unmapping; each entry's removal is page_remove_rmap's work.
  t.add(S.try_to_unmap, sys.lockCycles + touch + k * (c.unmapPerPteCycles + c.lineHitCycles));
  t.add(S.flush_tlb_page, k * sys.invlpg);
  if (sys.g.highpte) t.kmapPairs += 2 * k;
  for (const pte of ptes) unmapPte(sys, pte);
  return k;
}

function objReclaim(sys: RmapSystem, pfn: number): number {
  const sp = sys.space;
  const c = sys.c;
  const t = sys.tally;
  const anon = sp.anon[pfn] === 1;
  const vpn = anon ? sp.index[pfn] : sp.index[pfn] + sp.anonPages;
  const fam = sp.pageFamily[pfn];
  const found: number[] = [];
  let vmas = 0;
  for (const mm of sp.aliveMms()) {
    if (anon && sp.family[mm] !== fam) continue;
    vmas++;
    if ((sp.ptes[mm] as Int32Array)[vpn] === pfn + 1) found.push(sp.pteAddr(mm, vpn));
  }
  const k = found.length;
  t.add(S.page_referenced, vmas * c.ptWalkMisses * sys.miss + k * c.referencedPerPteCycles);
  t.add(S.try_to_unmap, vmas * c.ptWalkMisses * c.lineHitCycles + k * c.unmapPerPteCycles);
  t.add(S.flush_tlb_page, k * sys.invlpg);
  if (sys.g.highpte) t.kmapPairs += 2 * vmas;
  for (const pte of found) unmapPte(sys, pte);
  return k;
}

function swapOutScan(sys: RmapSystem, pfns: readonly number[]): number {
  const sp = sys.space;
  const c = sys.c;
  const t = sys.tally;
  const want = new Set(pfns);
  let scanned = 0;
  let tables = 0;
  const hits: number[] = [];
  const per = sys.g.ptesPerTable;
  for (const mm of sp.aliveMms()) {
    const pt = sp.ptes[mm] as Int32Array;
    for (let v0 = 0; v0 < pt.length; v0 += per) {
      let any = false;
      for (let v = v0; v < Math.min(pt.length, v0 + per); v++) {
        const e = pt[v];
        if (e === 0) continue;
        any = true;
        scanned++;
        if (want.has(e - 1)) hits.push(sp.pteAddr(mm, v));
      }
      if (any) tables++;
    }
  }
  const k = hits.length;
  t.add(S.swap_out, scanned * c.ptScanPerPteCycles + k * (c.referencedPerPteCycles + c.unmapPerPteCycles));
  t.add(S.flush_tlb_page, k * sys.invlpg);
  if (sys.g.highpte) t.kmapPairs += tables;
  for (const pte of hits) unmapPte(sys, pte);
  return k;
}

function unmapPte(sys: RmapSystem, pte: number): void {
  const sp = sys.space;
  const mm = sp.mmOf(pte);
  const vpn = sp.vpnOf(pte);
  const pt = sp.ptes[mm] as Int32Array;
  const e = pt[vpn];
  if (e === 0) throw new Error(`reclaim: pte ${pte} (mm ${mm}, vpn ${vpn}) is not present`);
  pt[vpn] = 0;
  sp.present[mm]--;
  sys.removeRmap(e - 1, pte);
  sys.unlockHeld();
}
