// Per-CPU TLBs over one kernel page table, with hit/miss counters and the stale-translation detector.
//
// Representation: each CPU's TLB is a direct-mapped array of `entries` slots in one buffer (no object per entry),
// a slot 16 bytes, aligned, so a lookup reads exactly one cache line of the host's: the tag (vpn, −1 empty) as a
// float64 (kernel page numbers pass 2^32), then two 32-bit words, the frame as pfn + 1 and the stamp. At 1,024 CPUs
// × 512 entries that is 8.4 MB, where 24-byte slots (three float64s) took 12.6 MB, over the host's L3, and one slot
// in three straddled two lines. A frame that does not fit a word (above 2^32 − 3, negative, fractional or −0: no
// arch or memory size here gives one, but the page table takes any number) is kept exactly in a side Map, its word
// BIG, as PteTable does. Flushes are stamps, so a global flush is O(1) whatever the CPU count: every flush takes
// the next number of one counter, as the time of the last global flush or of that CPU's last local flush; an entry
// is valid only if its stamp is the later of its CPU's two (it was filled since both flushes). Before the counter
// would pass a word, the stamps are renumbered (valid ones 1, the others 0) — once per 2^32 flushes.
// The detector: an access that hits an entry whose page-table entry has since changed or been cleared is a
// stale translation — the bug a missing flush causes — and is reported with its CPU, page and time.

import { PteTable } from './pte-table.js';

/** A frame word whose frame is in the side Map. */
const BIG = 0xffffffff;
/** The largest frame a word holds as pfn + 1. */
const SMALL_MAX = BIG - 2;
/** The largest stamp a word holds; the counter is renumbered before it passes it. */
const STAMP_MAX = 0xffffffff;

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
  /** Slot `s` of CPU `c` (`s' = c × entries + s`): its tag at `tag[2s']`, frame at `word[4s' + 2]`, stamp `word[4s' + 3]`. */
  private readonly tag: Float64Array;
  /** The same buffer as 32-bit words. */
  private readonly word: Uint32Array;
  /** Frames that do not fit a word, by slot index (s'). */
  private readonly big = new Map<number, number>();
  /** The flush counter: each flush takes the next value. */
  private epoch = 1;
  /** The stamp of the last global flush. */
  private globalStamp = 1;
  /** Per CPU, the stamp of its last local flush. */
  private readonly localStamp: Uint32Array;
  /** The largest stamp before the renumbering (2^32 − 1; tests lower it to run the renumbering). @internal */
  stampMax = STAMP_MAX;
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
    const buf = new ArrayBuffer(cpus * entries * 16);
    this.tag = new Float64Array(buf);
    this.word = new Uint32Array(buf);
    for (let i = 0; i < this.tag.length; i += 2) this.tag[i] = -1;
    this.localStamp = new Uint32Array(cpus).fill(1);
  }

  /** The stamp an entry of `cpu` filled now gets, and a valid one has: the later of its CPU's two flushes. */
  private stampOf(cpu: number): number {
    return Math.max(this.localStamp[cpu], this.globalStamp);
  }

  /** The frame slot `s` (over all CPUs) translates to. */
  private frameAt(s: number): number {
    const w = this.word[4 * s + 2];
    return w === BIG ? (this.big.get(s) as number) : w - 1;
  }

  /** Fills slot `s` (over all CPUs) with a translation. */
  private fill(s: number, vpn: number, pfn: number, stamp: number): void {
    this.tag[2 * s] = vpn;
    if (Number.isInteger(pfn) && pfn >= 0 && pfn <= SMALL_MAX && !Object.is(pfn, -0)) {
      if (this.word[4 * s + 2] === BIG) this.big.delete(s);
      this.word[4 * s + 2] = pfn + 1;
    } else {
      this.word[4 * s + 2] = BIG;
      this.big.set(s, pfn);
    }
    this.word[4 * s + 3] = stamp;
  }

  /**
   * A CPU accesses a virtual page. Returns true on a TLB hit. Reports a stale translation when the hit's frame
   * is not what the page table maps now, and an access to an unmapped page on a miss with no PTE.
   */
  access(cpu: number, vpn: number, cycle: number): boolean {
    const s = cpu * this.entries + slotOf(vpn, this.entries);
    const cur = this.pte.get(vpn);
    const stamp = this.stampOf(cpu);
    if (this.tag[2 * s] === vpn && this.word[4 * s + 3] === stamp) {
      this.hits++;
      const w = this.word[4 * s + 2];
      // cur !== frame: a word w ≠ BIG holds frame w − 1 (an integer in [0, SMALL_MAX]).
      if (w === BIG ? cur !== this.big.get(s) : cur !== w - 1)
        this.report('stale', cpu, vpn, this.frameAt(s), cur, cycle);
      return true;
    }
    this.misses++;
    if (cur === undefined) {
      this.report('unmapped', cpu, vpn, -1, undefined, cycle);
      return false;
    }
    this.fill(s, vpn, cur, stamp);
    return false;
  }

  /** True if `cpu` holds a valid translation for `vpn` (whatever it points to). */
  holds(cpu: number, vpn: number): boolean {
    const s = cpu * this.entries + slotOf(vpn, this.entries);
    return this.tag[2 * s] === vpn && this.word[4 * s + 3] === this.stampOf(cpu);
  }

  /** True if some CPU may still translate `vpn` through an entry that differs from the page table. */
  mayBeStale(vpn: number): boolean {
    const cur = this.pte.get(vpn);
    for (let c = 0; c < this.cpus; c++) {
      const s = c * this.entries + slotOf(vpn, this.entries);
      if (this.holds(c, vpn) && this.frameAt(s) !== cur) return true;
    }
    return false;
  }

  /** Drops every entry of one CPU's TLB (a local full flush: `local_flush_tlb`). O(1). */
  flushLocal(cpu: number): void {
    if (this.epoch >= this.stampMax) this.renumber();
    this.localStamp[cpu] = ++this.epoch;
  }

  /** Drops every entry on every CPU (what `flush_tlb_all`'s IPIs achieve; the machine charges their cost). O(1). */
  flushAll(): void {
    if (this.epoch >= this.stampMax) this.renumber();
    this.globalStamp = ++this.epoch;
  }

  /**
   * Renumbers the stamps so the counter starts again at 1: a valid entry's stamp becomes 1, every other's 0 (no
   * flush has it), and each CPU's two flushes 1. Every entry stays valid or invalid as it was; tags are kept.
   */
  private renumber(): void {
    const w = this.word;
    for (let c = 0; c < this.cpus; c++) {
      const valid = this.stampOf(c);
      for (let s = c * this.entries; s < (c + 1) * this.entries; s++) w[4 * s + 3] = w[4 * s + 3] === valid ? 1 : 0;
    }
    this.localStamp.fill(1);
    this.globalStamp = 1;
    this.epoch = 1;
  }

  /** Drops one page's entry from one CPU's TLB (`invlpg` / `__flush_tlb_one`). */
  invalidate(cpu: number, vpn: number): void {
    const s = cpu * this.entries + slotOf(vpn, this.entries);
    if (this.tag[2 * s] === vpn) this.tag[2 * s] = -1;
  }

  /** Invalidates `pages` pages from `vpn` on every CPU (cost O(cpus × min(pages, entries))). */
  invalidateRangeAll(vpn: number, pages: number): void {
    if (pages >= this.entries) {
      const e = this.tag;
      for (let i = 0; i < e.length; i += 2) {
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
    for (let c = 0; c < this.cpus; c++) {
      for (let s = c * this.entries; s < (c + 1) * this.entries; s++) {
        const vpn = this.tag[2 * s];
        if (vpn < 0 || this.frameAt(s) !== pfn || !this.holds(c, vpn)) continue;
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
