// Per-CPU TLBs over one kernel page table, with hit/miss counters and the stale-translation detector.
//
// Representation: each CPU's TLB is a direct-mapped array of `entries` slots in one typed array (no object per
// entry), a slot's three fields side by side (tag, frame, stamp) so a lookup reads one cache line of the host's,
// mostly, not three: 24 bytes a slot (64 CPUs × 512 entries: 768 KiB, where four fields took 1 MiB and a touch
// into it was a cache miss). Flushes are stamps, so a global flush is O(1) whatever the CPU count: every flush
// takes the next number of one counter, as the time of the last global flush or of that CPU's last local flush;
// an entry is valid only if its stamp is the later of its CPU's two (it was filled since both flushes).
// The detector: an access that hits an entry whose page-table entry has since changed or been cleared is a
// stale translation — the bug a missing flush causes — and is reported with its CPU, page and time.

import { PteTable } from './pte-table.js';

/**
 * `vpn % m`, the direct-mapped slot. A kernel page number is above 2^31, so V8 takes `%` on doubles through a call
 * to fmod (~18 ns against ~2). For an integer 0 ≤ vpn with vpn + m < 2^53 the rounded quotient's floor is the
 * true one, so the difference below is exact and equals `%`; anything else (no lookup passes it) keeps `%`.
 */
export function slotOf(vpn: number, m: number): number {
  return vpn >= 0 && vpn < 2 ** 52 ? vpn - Math.floor(vpn / m) * m : vpn % m;
}

/**
 * A translation problem the TLB detector saw: a stale entry used after its PTE changed, an access to an unmapped
 * page, or an alias.
 */
export interface StaleReport {
  /** stale: the PTE now maps another frame; unmapped: no PTE at all; alias: the frame is mapped elsewhere now. */
  kind: 'stale' | 'unmapped' | 'alias';
  /** The CPU that used the translation. */
  cpu: number;
  /** The virtual page number it used. */
  vpn: number;
  /** Frame the TLB translated to. */
  cachedPfn: number;
  /** Frame the page table maps now (-1 if none). */
  currentPfn: number;
  /** That CPU's clock at the use, cycles. */
  cycle: number;
}

/**
 * Per-CPU TLBs (a direct-mapped array of entries per CPU) that remember which PFN each cached translation pointed
 * to, so a use after a PTE change without a flush is reported as a {@link StaleReport} (`machine.tlb.reports`).
 */
export class Tlb {
  /** TLB entries per CPU (the arch's `tlb.entries`; direct-mapped by virtual page number). */
  readonly entries: number;
  /** Slot `i` of CPU `c` at `(c × entries + i) × 3`: tag (vpn, −1 empty), frame, stamp. */
  private readonly slot: Float64Array;
  /** The flush counter: each flush takes the next value. */
  private epoch = 1;
  /** The stamp of the last global flush. */
  private globalStamp = 1;
  /** Per CPU, the stamp of its last local flush. */
  private readonly localStamp: Float64Array;
  /** The kernel page table: virtual page number → page frame number (typed arrays paged by address). */
  readonly pte = new PteTable();
  /** Accesses that hit, all CPUs. */
  hits = 0;
  /** Accesses that missed (each a page walk), all CPUs. */
  misses = 0;
  /** The first {@link Tlb.maxReports} stale uses, in order. */
  readonly reports: StaleReport[] = [];
  /** Every stale use seen (0 for a correct mechanism). */
  staleCount = 0;
  /** Keep at most this many reports (the count keeps going). */
  maxReports = 100;

  constructor(
    readonly cpus: number,
    entries: number,
  ) {
    this.entries = entries;
    this.slot = new Float64Array(cpus * entries * 3);
    for (let i = 0; i < this.slot.length; i += 3) this.slot[i] = -1;
    this.localStamp = new Float64Array(cpus).fill(1);
  }

  /** The stamp an entry of `cpu` filled now gets, and a valid one has: the later of its CPU's two flushes. */
  private stampOf(cpu: number): number {
    return Math.max(this.localStamp[cpu], this.globalStamp);
  }

  /**
   * A CPU accesses a virtual page. Returns true on a TLB hit. Reports a stale translation when the hit's frame
   * is not what the page table maps now, and an access to an unmapped page on a miss with no PTE.
   */
  access(cpu: number, vpn: number, cycle: number): boolean {
    const i = (cpu * this.entries + slotOf(vpn, this.entries)) * 3;
    const e = this.slot;
    const cur = this.pte.get(vpn);
    const stamp = this.stampOf(cpu);
    if (e[i] === vpn && e[i + 2] === stamp) {
      this.hits++;
      if (cur !== e[i + 1]) this.report('stale', cpu, vpn, e[i + 1], cur, cycle);
      return true;
    }
    this.misses++;
    if (cur === undefined) {
      this.report('unmapped', cpu, vpn, -1, undefined, cycle);
      return false;
    }
    e[i] = vpn;
    e[i + 1] = cur;
    e[i + 2] = stamp;
    return false;
  }

  /** True if `cpu` holds a valid translation for `vpn` (whatever it points to). */
  holds(cpu: number, vpn: number): boolean {
    const i = (cpu * this.entries + slotOf(vpn, this.entries)) * 3;
    const e = this.slot;
    return e[i] === vpn && e[i + 2] === this.stampOf(cpu);
  }

  /** True if some CPU may still translate `vpn` through an entry that differs from the page table. */
  mayBeStale(vpn: number): boolean {
    const cur = this.pte.get(vpn);
    for (let c = 0; c < this.cpus; c++) {
      const i = (c * this.entries + slotOf(vpn, this.entries)) * 3;
      if (this.holds(c, vpn) && this.slot[i + 1] !== cur) return true;
    }
    return false;
  }

  /** Drops every entry of one CPU's TLB (a local full flush: `local_flush_tlb`). O(1). */
  flushLocal(cpu: number): void {
    this.localStamp[cpu] = ++this.epoch;
  }

  /** Drops every entry on every CPU (what `flush_tlb_all`'s IPIs achieve; the machine charges their cost). O(1). */
  flushAll(): void {
    this.globalStamp = ++this.epoch;
  }

  /** Drops one page's entry from one CPU's TLB (`invlpg` / `__flush_tlb_one`). */
  invalidate(cpu: number, vpn: number): void {
    const i = (cpu * this.entries + slotOf(vpn, this.entries)) * 3;
    if (this.slot[i] === vpn) this.slot[i] = -1;
  }

  /** Invalidates `pages` pages from `vpn` on every CPU (cost O(cpus × min(pages, entries))). */
  invalidateRangeAll(vpn: number, pages: number): void {
    if (pages >= this.entries) {
      const e = this.slot;
      for (let i = 0; i < e.length; i += 3) {
        const v = e[i];
        if (v >= vpn && v < vpn + pages) e[i] = -1;
      }
      return;
    }
    for (let c = 0; c < this.cpus; c++) for (let p = vpn; p < vpn + pages; p++) this.invalidate(c, p);
  }

  /**
   * Valid TLB entries on any CPU that translate to `pfn` through a page whose PTE no longer maps it: stale
   * aliases, which Xen and PAT cannot tolerate when a page's attributes change.
   */
  staleAliases(pfn: number): { cpu: number; vpn: number }[] {
    const out: { cpu: number; vpn: number }[] = [];
    const e = this.slot;
    for (let c = 0; c < this.cpus; c++) {
      const base = c * this.entries * 3;
      for (let s = 0; s < this.entries; s++) {
        const i = base + s * 3;
        const vpn = e[i];
        if (vpn < 0 || e[i + 1] !== pfn || !this.holds(c, vpn)) continue;
        if (this.pte.get(vpn) !== pfn) out.push({ cpu: c, vpn });
      }
    }
    return out;
  }

  /** Records a stale use (counted always; kept in {@link Tlb.reports} up to {@link Tlb.maxReports}). */
  report(
    kind: StaleReport['kind'],
    cpu: number,
    vpn: number,
    cachedPfn: number,
    cur: number | undefined,
    cycle: number,
  ): void {
    this.staleCount++;
    if (this.reports.length < this.maxReports) {
      this.reports.push({ kind, cpu, vpn, cachedPfn, currentPfn: cur ?? -1, cycle });
    }
  }
}
