// One machine's reverse-mapping paths: page faults, fork (copy_page_range one PTE page at a time), exit
// (zap_pte_range), COW breaks, munmap, and (reclaim.ts) page_referenced + try_to_unmap. Work is done on the real
// structures page by page, through the costed primitives of core.ts.
import { RmapCore } from './core.js';
import type { Layout, Vma } from './space.js';
import { S } from './tally.js';

export { type RmapConfig, RmapConfigError, type RmapSystemOptions } from './core.js';

/**
 * One machine's reverse-mapping paths on real structures: page faults, fork (copy_page_range), exit
 * (zap_pte_range), COW breaks, munmap and reclaim, each access costed through the cache model.
 */
export class RmapSystem extends RmapCore {
  // ---- page tables ----

  /** The PTE page holding `vpn` in `mm`, allocated and cleared on first use (pte_alloc_one). */
  private table(mm: number, vpn: number): void {
    const t = this.space.tables[mm] as Float64Array;
    const i = Math.floor(vpn / this.g.ptesPerTable);
    if (t[i] !== 0) return;
    const addr = this.mem.frame(this.node);
    t[i] = addr;
    this.add(S.pte_alloc_one, this.c.pageAllocCycles + this.clearPageCycles);
    if (this.tracking) {
      const line = this.cache.cohBytes;
      for (let off = 0; off < this.g.pageBytes; off += line) this.cache.write(this.cpu, addr + off);
      this.memoLine = -1;
    }
  }

  /** Frees every PTE page of an mm (exit_mmap → clear_page_tables). */
  freeTables(mm: number): void {
    const t = this.space.tables[mm] as Float64Array;
    for (let i = 0; i < t.length; i++) {
      if (t[i] === 0) continue;
      this.mem.freeFrame(t[i]);
      t[i] = 0;
      this.add(S.pte_free, this.c.pageFreeCycles);
    }
  }

  // ---- process-level operations ----

  /** A page fault maps the page for `vpn` in `mm` (no-op if present): do_anonymous_page or do_no_page. */
  faultIn(mm: number, vpn: number): void {
    const sp = this.space;
    const pt = sp.ptes[mm] as Int32Array;
    if (pt[vpn] !== 0) return;
    this.add(S.do_page_fault, this.arch.costs.pageFaultCycles);
    this.table(mm, vpn);
    const vma = sp.vmaOf(mm, vpn);
    const anon = (vma as { file: number }).file < 0;
    const pfn = sp.pageFor(mm, vpn, this.node, vma);
    this.syncCapacity();
    const spa = this.page(pfn);
    if (anon) {
      this.add(S.do_anonymous_page, this.c.pageAllocCycles);
      this.wr(S.do_anonymous_page, spa + this.sp.count); // set_page_count, flags
      this.add(S.clear_page, this.clearPageCycles);
    } else {
      this.add(S.do_no_page, this.c.findPageCycles);
      this.at(S.do_no_page, spa + this.sp.count); // find_get_page: page_cache_get
    }
    this.beginMapping(false);
    this.wr(anon ? S.do_anonymous_page : S.do_no_page, sp.pteAddr(mm, vpn)); // set_pte
    pt[vpn] = pfn + 1;
    sp.present[mm]++;
    this.addRmap(pfn, sp.pteId(mm, vpn), S.page_add_rmap);
    this.unlockHeld();
    this.endMapping();
  }

  /** Faults in every page of `mm` in [from, to) (virtual page numbers of its layout). */
  populate(mm: number, from: number, to: number): void {
    for (let v = from; v < to; v++) this.faultIn(mm, v);
  }

  /**
   * A workload's set-up (tracking off, so no access reaches the cache model): leaves the state {@link populate}
   * leaves — page tables, pages and their fields, chains or PageDirect, the allocator, the lock counters, frame
   * addresses in the same order — without the per-access calls, and charges nothing (set-up is not measured; the
   * caller clears the tally). Proved identical to `populate`, state array by array, by populate.test.ts.
   */
  populateUntracked(mm: number, from: number, to: number): void {
    if (
      this.tracking ||
      this.sampling ||
      this.holding ||
      this.batching ||
      this.heldLock !== -1 ||
      this.prealloc !== 0
    ) {
      throw new Error('populateUntracked: only for an untracked set-up, outside any mapping path');
    }
    const sp = this.space;
    const pt = sp.ptes[mm] as Int32Array;
    const tables = sp.tables[mm] as Float64Array;
    const layout = sp.layouts[mm] as Layout;
    const per = this.g.ptesPerTable;
    const node = this.node;
    const cpu = this.cpu;
    const ch = this.chains;
    const locks = this.locks;
    const hashed = locks?.kind === 'hashed';
    const al = this.alloc;
    const percpu = al !== null && this.cfg.alloc === 'percpu';
    const pte0 = sp.pteId(mm, 0);
    let cap = -1;
    let present = 0;
    // By runs of one vma (a hole throws in pageFor, as a fault there would), pages in ascending order: frames for
    // page tables, mem_map segments and slab pages come from one counter, so their order must be populate's.
    for (let v = from; v < to; ) {
      const vi = layout.vmaAt[v] as number;
      const vma = vi < 0 ? null : (layout.vmas[vi] as Vma);
      const end = vma ? Math.min(to, vma.end) : v + 1;
      for (; v < end; v++) {
        if (pt[v] !== 0) continue;
        const ti = Math.floor(v / per);
        if (tables[ti] === 0) tables[ti] = this.mem.frame(node); // pte_alloc_one
        const pfn = sp.pageFor(mm, v, node, vma);
        if (sp.pageCapacity !== cap) {
          cap = sp.pageCapacity;
          this.syncCapacity();
        }
        pt[v] = pfn + 1;
        present++;
        sp.mapcount[pfn]++;
        if (ch === null || locks === null || al === null) continue;
        this.sym = S.page_add_rmap;
        // page_add_rmap under its lock (taken and dropped per fault); 2.5.55+ preallocates one chain per fault
        // and hands back the one left unused.
        if (percpu) this.prealloc = al.take();
        const k = hashed ? locks.lockOf(pfn, sp.index[pfn]) : pfn;
        locks.acquire(k, cpu);
        ch.insert(pfn, pte0 + v);
        locks.release(k, cpu);
        if (percpu) {
          if (this.prealloc === 0) this.prealloc = al.take();
          al.give(this.prealloc);
          this.prealloc = 0;
        }
      }
    }
    sp.present[mm] += present;
  }

  /** A write to a COW-shared private page: a private copy replaces it (do_wp_page). */
  cowFault(mm: number, vpn: number): void {
    const sp = this.space;
    const pt = sp.ptes[mm] as Int32Array;
    const e = pt[vpn];
    if (e === 0) {
      this.faultIn(mm, vpn);
      return;
    }
    const old = e - 1;
    this.add(S.do_page_fault, this.arch.costs.pageFaultCycles);
    if (sp.mapcount[old] <= 1 && sp.anon[old] === 1) return; // reuse: the only mapping gets write access
    const pfn = sp.cowPage(mm, vpn, this.node);
    this.syncCapacity();
    this.add(S.do_anonymous_page, this.c.pageAllocCycles);
    this.add(S.clear_page, this.clearPageCycles); // copy_user_highpage: one page at copy bandwidth
    const pte = sp.pteId(mm, vpn);
    this.removeRmap(old, pte);
    this.at(S.do_anonymous_page, this.page(old) + this.sp.count); // page_cache_release(old)
    this.unlockHeld();
    this.beginMapping(false);
    this.wr(S.do_anonymous_page, sp.pteAddr(mm, vpn));
    pt[vpn] = pfn + 1;
    this.addRmap(pfn, pte, S.page_add_rmap);
    this.unlockHeld();
    this.endMapping();
  }

  /** New mm for a child of `parent` (same layout and anon_vma family), with its fork bookkeeping charged. */
  forkMm(parent: number): number {
    const sp = this.space;
    const child = sp.newMm(sp.layouts[parent] as Layout, sp.family[parent], this.node);
    this.add(S.do_fork, this.c.forkFixedCycles);
    if (this.cfg.kind === 'objrmap') this.add(S.anon_vma_link, 2 * this.c.anonVmaLinkCycles);
    return child;
  }

  /** copy_page_range over [from, to) (one PTE page): copy every present PTE and add its reverse mapping. */
  forkRange(parent: number, child: number, from: number, to: number): number {
    const sp = this.space;
    const src = sp.ptes[parent] as Int32Array;
    const dst = sp.ptes[child] as Int32Array;
    const layout = sp.layouts[parent] as Layout;
    // Per PTE page, not per PTE: the page's table addresses, and the vma (looked up again only where it changes).
    const per = this.g.ptesPerTable;
    const pteBytes = this.g.pteBytes;
    const srcTables = sp.tables[parent] as Float64Array;
    const dstTables = sp.tables[child] as Float64Array;
    const flags = this.sp.flags;
    const count = this.sp.count;
    const structPage = this.mem.structPage;
    let vmaIdx = -2;
    let cow = false;
    let n = 0;
    this.holding = this.lockEra.holdInCopy;
    this.beginMapping(true);
    for (let v = from; v < to; v++) {
      const e = src[v];
      if (e === 0) continue;
      if (n === 0) this.table(child, v);
      const pfn = e - 1;
      const ti = Math.floor(v / per);
      const off = (v % per) * pteBytes;
      const srcPte = srcTables[ti] === 0 ? 0 : srcTables[ti] + off;
      this.rd(S.copy_page_range, srcPte);
      if (layout.vmaAt[v] !== vmaIdx) {
        vmaIdx = layout.vmaAt[v];
        cow = (layout.vmas[vmaIdx] as { cow: boolean }).cow;
      }
      if (cow) this.at(S.copy_page_range, srcPte); // wrprotect
      const spa = structPage[pfn];
      this.rd(S.copy_page_range, spa + flags); // PageReserved
      this.at(S.copy_page_range, spa + count); // get_page
      this.wr(S.copy_page_range, dstTables[ti] === 0 ? 0 : dstTables[ti] + off); // set_pte
      dst[v] = e;
      n++;
      this.addRmap(pfn, sp.pteId(child, v), S.page_dup_rmap);
    }
    this.unlockHeld();
    this.holding = false;
    this.endMapping();
    sp.present[child] += n;
    this.add(S.copy_page_range, n * this.c.copyPteCycles);
    if (n > 0 && this.g.highpte) this.tally.kmapPairs += 2;
    return n;
  }

  /** zap_pte_range over [from, to): clear every present PTE and remove its reverse mapping. */
  exitRange(mm: number, from: number, to: number): number {
    const sp = this.space;
    const pt = sp.ptes[mm] as Int32Array;
    const per = this.g.ptesPerTable;
    const pteBytes = this.g.pteBytes;
    const tables = sp.tables[mm] as Float64Array;
    const flags = this.sp.flags;
    const count = this.sp.count;
    const structPage = this.mem.structPage;
    let n = 0;
    this.holding = this.lockEra.holdInZap;
    for (let v = from; v < to; v++) {
      const e = pt[v];
      if (e === 0) continue;
      const pfn = e - 1;
      const t = tables[Math.floor(v / per)];
      this.at(S.zap_pte_range, t === 0 ? 0 : t + (v % per) * pteBytes); // ptep_get_and_clear (xchg)
      pt[v] = 0;
      n++;
      const spa = structPage[pfn];
      this.rd(S.zap_pte_range, spa + flags);
      this.at(S.zap_pte_range, spa + count); // tlb_remove_page → put_page
      this.removeRmap(pfn, sp.pteId(mm, v));
    }
    this.unlockHeld();
    this.holding = false;
    sp.present[mm] -= n;
    this.add(S.zap_pte_range, n * this.c.zapPteCycles);
    if (n > 0 && this.g.highpte) this.tally.kmapPairs += 1;
    return n;
  }

  /** The rest of exit once the page tables are empty: free them, drop the mm. */
  exitMm(mm: number): void {
    this.add(S.do_exit, this.c.exitFixedCycles);
    this.freeTables(mm);
    this.space.dropMm(mm);
  }

  /** munmap of one page: the PTE goes away with its reverse mapping. */
  unmapPage(mm: number, vpn: number): void {
    const pt = this.space.ptes[mm] as Int32Array;
    const e = pt[vpn];
    if (e === 0) return;
    this.at(S.zap_pte_range, this.space.pteAddr(mm, vpn));
    pt[vpn] = 0;
    this.space.present[mm]--;
    this.removeRmap(e - 1, this.space.pteId(mm, vpn));
    this.unlockHeld();
  }
}
