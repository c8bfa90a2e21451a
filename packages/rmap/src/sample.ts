// Sampled fidelity of the fork + exit loops: a run-level approximation of the cache model, validated against the
// exact model (sample.test.ts). Every PTE page's work is done on the real structures (chains, slab, locks, page
// tables, every rmap.* counter and every instruction and LOCK cycle stay exact); only the cache model is skipped on
// most PTE pages of a long phase, and their cache cycles are estimated from measured pages of the same phase and
// vma. Why it holds: a PTE page's accesses (1,024 PTEs, their struct pages, chain nodes) stream through lines no
// other PTE page of the phase touches, apart from a few hot lines (slab arrays, locks, the mm) that stay cached;
// the L2 of a 2002 CPU holds the lines of 2–4 PTE pages, so the cache state at a PTE page boundary regenerates
// within a PTE page or two. A measured page is preceded by `warm` tracked pages that refill the cache with the
// lines of its neighbours; the first `head` and last `tail` pages of each vma are tracked, so the cache holds
// what the exact model would at the end of a phase (exit reads what fork left in the other CPU's cache).
import type { RmapCore } from './core.js';
import { SYMBOLS } from './tally.js';

/** Which PTE pages of a vma's stretch of a phase are followed through the caches. */
export interface SamplingPlan {
  /** First PTE pages of the stretch, tracked (the phase's cold start). */
  head: number;
  /** Last PTE pages of the stretch, tracked (the cache state the next phase starts from). */
  tail: number;
  /** A window of `warm` + 1 tracked pages starts every `period` PTE pages after the head. */
  period: number;
  /** Tracked pages before each measured one, refilling the cache with its neighbours' lines. */
  warm: number;
}

/** The plan of `--fidelity sampled`: 2 tracked pages in 16 (warm-up 1, measured 1); 4 at each end of a vma. */
export const SAMPLING: SamplingPlan = { head: 4, tail: 4, period: 16, warm: 1 };

/**
 * Stated bound of the sampled estimate of a fork + exit run's times (fork_us, exit_us, real_us), in percent of the
 * exact value: the bias of a stale cache before a measured page plus the sampling error, checked against the
 * exact model for every design (sample.test.ts); the report adds the run's own 95 % sampling half-width.
 */
export const SAMPLED_BOUND_PCT = 2;

const STAT_KEYS = 7; // accesses, L1, L2, (L3), local and remote memory, local and remote transfers, upgrades

/** What one stratum (a phase's stretch of one vma) has measured. */
class Stratum {
  readonly c = new Float64Array(SYMBOLS.length);
  readonly n = new Float64Array(SYMBOLS.length);
  /** Cache counters over the measured pages (see statsVector). */
  readonly stats: number[] = [];
  /** Per measured page: cache cycles per access (its batch mean), for the sampling half-width. */
  readonly ratios: number[] = [];
  /** Accesses of the skipped pages. */
  skippedN = 0;
}

/** Runs the PTE pages of phases under {@link SAMPLING}, estimating the cache cycles and counters of the rest. */
export class PageSampler {
  private readonly strata = new Map<string, Stratum>();
  private cur: Stratum | null = null;
  private mode: 'exact' | 'warm' | 'measure' | 'skip' = 'exact';
  private before: number[] = [];
  /** Estimated cache counters of the skipped pages (added to the run's cache.* counters). */
  readonly extraStats: number[] = new Array(STAT_KEYS + 1).fill(0);
  /** PTE pages run in each mode. */
  readonly pages = { tracked: 0, measured: 0, skipped: 0 };
  /** Estimated cache cycles of skipped pages. */
  estimatedCycles = 0;

  constructor(
    private readonly sys: RmapCore,
    private readonly plan: SamplingPlan = SAMPLING,
  ) {}

  /**
   * Starts PTE page `j` of `count` in a stretch (`key`: phase and vma): decides whether the cache model follows it.
   * Call {@link end} after the page's work, before its cycles are charged.
   */
  begin(key: string, j: number, count: number): void {
    const p = this.plan;
    let s = this.strata.get(key);
    if (!s) {
      s = new Stratum();
      this.strata.set(key, s);
    }
    this.cur = s;
    const k = (j - p.head) % p.period;
    if (j < p.head || j >= count - p.tail) this.mode = 'exact';
    else if (k < p.warm) this.mode = 'warm';
    else if (k === p.warm) this.mode = 'measure';
    else this.mode = 'skip';
    const sys = this.sys;
    sys.sampling = true;
    sys.accN.fill(0);
    sys.accCycles.fill(0);
    if (this.mode === 'skip') {
      sys.tracking = false;
      sys.forgetLine();
      this.pages.skipped++;
    } else {
      sys.tracking = true;
      this.pages.tracked++;
      if (this.mode === 'measure') {
        this.pages.measured++;
        this.before = this.statsVector();
      }
    }
  }

  /** Ends the page begun last: a measured page feeds its stratum, a skipped page gets its estimate. */
  end(): void {
    const sys = this.sys;
    const s = this.cur as Stratum;
    const tally = sys.tally.cycles;
    const ac = sys.accCycles;
    const an = sys.accN;
    if (this.mode === 'skip') {
      let est = 0;
      let n = 0;
      const all = sum(s.c) / Math.max(1, sum(s.n));
      for (let i = 0; i < an.length; i++) {
        if (an[i] === 0) continue;
        const r = s.n[i] > 0 ? s.c[i] / s.n[i] : all;
        tally[i] += an[i] * r;
        est += an[i] * r;
        n += an[i];
      }
      this.estimatedCycles += est;
      s.skippedN += n;
      const tot = sum(s.n);
      if (tot > 0) for (let i = 0; i < s.stats.length; i++) this.extraStats[i] += (n * (s.stats[i] as number)) / tot;
      sys.tracking = true;
    } else {
      for (let i = 0; i < ac.length; i++) tally[i] += ac[i];
      if (this.mode === 'measure') {
        const after = this.statsVector();
        for (let i = 0; i < after.length; i++) s.stats[i] = (s.stats[i] ?? 0) + after[i] - (this.before[i] ?? 0);
        let c = 0;
        let n = 0;
        for (let i = 0; i < ac.length; i++) {
          s.c[i] += ac[i];
          s.n[i] += an[i];
          c += ac[i];
          n += an[i];
        }
        if (n > 0) s.ratios.push(c / n);
      }
    }
    sys.sampling = false;
    this.cur = null;
  }

  /**
   * 95 % half-width of the estimated cycles from sampling alone (Student-free normal approximation over the
   * measured pages' cache cycles per access, strata summed): the stated bound adds the bias.
   */
  halfWidthCycles(): number {
    let hw = 0;
    for (const s of this.strata.values()) {
      const m = s.ratios.length;
      if (m < 2 || s.skippedN === 0) continue;
      const mean = s.ratios.reduce((a, b) => a + b, 0) / m;
      const v = s.ratios.reduce((a, b) => a + (b - mean) ** 2, 0) / (m - 1);
      hw += 1.96 * Math.sqrt(v / m) * s.skippedN;
    }
    return hw;
  }

  /** accesses, hits per level, local and remote memory, local and remote transfers, upgrades. */
  private statsVector(): number[] {
    this.sys.flushHits();
    const st = this.sys.cache.stats;
    return [
      st.accesses,
      ...st.levelHits,
      st.memoryLocal,
      st.memoryRemote,
      st.transfersLocal,
      st.transfersRemote,
      st.upgrades,
    ];
  }
}

function sum(a: Float64Array): number {
  let s = 0;
  for (const x of a) s += x;
  return s;
}
