// The sampler's public shapes: its options, a thread's counted loop (the handle a workload iterates with) and the
// report of what was simulated in detail and what was extrapolated (sampler.ts holds the method).
import type { Engine, ProfileSnapshot, Thread } from '@kmemsim/core';
import type { SteadyForward } from './sampler-ff.js';
import { CycleHistory } from './sampler-history.js';
import type { MixedLayout } from './sampler-mixed.js';

/** How the `Sampler` (sampler.ts) decides a loop kind is in steady state (defaults suit the vmalloc workloads). */
export interface SamplingOptions {
  /** Simulate every loop. */
  exact?: boolean;
  /** Target relative half-width (95 %) of a loop kind's cycles per loop before skipping (default 0.01). */
  relError?: number;
  /** Recent regeneration cycles a loop kind needs (default 8). */
  cycles?: number;
  /** Loops of warm-up after a thread enters a loop, and the cycle length without a regeneration counter (32). */
  batchLoops?: number;
  /** Skips in a row on the same measurements before one fresh round is measured (default 16). */
  chain?: number;
  /**
   * Largest relative gap between one thread's own rate since the last skip and its kind's pooled rate at which a
   * state-building loop is still skipped (default 0.05; [U] 0.02–0.1, see sampler.ts `maybeDecide`).
   */
  divergence?: number;
  /** The state-building loops' lock is unfair: `divergence` is widened by each thread's own half-width (sampler-hold.ts). */
  divergenceNoise?: boolean;
  /**
   * The design's lazy purge runs inline under the lock a set-up allocates under (purgeTrigger 'inline-trylock'):
   * a set-up beside loops that free is measured over whole flush cycles (sampler-rate.ts `measureIn`).
   */
  purgeStallsBuilds?: boolean;
  /**
   * State-building loops may be skipped (default true); then only while every thread runs the same case (tags
   * `<case>` and `<case>:<phase>`). False where the workers' relative positions decide which of them a long stall
   * hits (6.9's purge helpers on the workers' CPUs): see sampler.ts `maybeDecide`.
   */
  skipBuilds?: boolean;
  /**
   * Steady loops (no functional fast-forward) may be skipped (default true). False where the state a skipped loop
   * would have left (its lazily freed areas) sets the cost of what follows and nothing lays it down: see
   * test-vmalloc.ts.
   */
  skipSteady?: boolean;
  /**
   * Every loop takes one FIFO lock and the workers advance in step on it (sampler-build.ts `buildsOnOneLock`:
   * 2.6.27's vmlist_lock): the thread that decides a skip takes it at its next loop boundary as the others do, and a
   * skip leaves the loop that ends first `IN_STEP_TAIL` loops to run in detail after it (default false; see sampler.ts
   * `maybeDecide`).
   */
  inStepEnds?: boolean;
  /** Regeneration events so far (a counter that only grows), e.g. the machine's TLB flushes. */
  regeneration?: () => number;
  /** Told of each detailed iteration before its clock mark moves (the vmlist walks' tally, walk-tally.ts). */
  walks?: { note(l: Loop): void };
  /**
   * Relative error of a loop simulated in detail after a skip, at least (default 0.06; [U] 0.03–0.1, see
   * sampler-after.ts).
   */
  afterFastError?: number;
  /** [vm-shuffle] Mixed phases may skip, their steady loops laid down by this layout (sampler-mixed.ts). */
  mixed?: MixedLayout;
  /**
   * Charge each loop run in detail to why the last skip was refused (`SamplingReport.refusals`; sampler-refusal.ts).
   * Changes nothing simulated; runTestVmalloc sets it unless `exact`.
   */
  traceRefusals?: boolean;
}

/** Cycles of history kept per thread (a linear rate model spans no more rounds than a thread's own rate). */
export const KEEP = 64;

/** Regeneration events of a machine: its TLB flushes (each ends a lazy purge, or a 2.6.27 vunmap). */
export function flushEvents(e: Engine): () => number {
  const v = e.counters.values;
  const g = e.counters.id('tlb_flush_global', 'global TLB flushes (every CPU)');
  const r = e.counters.id('tlb_flush_range', 'kernel range flushes done page by page');
  return () => v[g] + v[r];
}

/** Performs loops [from, from + k) of a state-building loop without time. */
export type FastForward = (from: number, k: number) => void;

/** One thread's counted loop: `while (l.done < l.count) { …; sampler.next(l); }`. */
export class Loop {
  /** Loops completed (simulated or skipped). */
  done = 0;
  /** Loops skipped by extrapolation. */
  skipped = 0;
  /** Absolute error bound (cycles) of what was skipped. */
  errCycles = 0;
  /** Loops left before this thread's cycles count (warm-up after entering the loop). */
  warm = 0;
  /** A cycle boundary is due at this thread's next loop boundary. */
  mark = false;
  /** At the last boundary: the thread's clock (−1: none yet, or a skip intervened). */
  markClock = -1;
  /** At the last boundary: loops done. */
  markDone = 0;
  /** At the last boundary: the thread's sys cycles. */
  markSys = 0;
  /** At the last boundary: the thread's user cycles. */
  markUser = 0;
  /** This thread's own recent cycles (the last `KEEP`; sampler-history.ts). */
  private readonly cycles = new CycleHistory(KEEP);
  /** A decided skip, applied at this thread's next boundary: the loops it skips. */
  pendingK = 0;
  /** A decided skip: the simulated time it adds to this thread's clock. */
  pendingJump = 0;
  /** A decided skip: its error bound, cycles. */
  pendingErr = 0;
  /** The thread's clock at its last boundary (after a skip: after the jump). */
  lastClock: number;
  /** Its case (the tag up to `:`): set-up, loop and tear-down of one test case share it. */
  readonly kase: string;
  /** Its kind's share of the report (set by the sampler when the loop begins). */
  stats: TagReport | null = null;
  /** A steady loop's functional fast-forward (sampler-ff.ts; set by the workload after `begin`), or null. */
  steady: SteadyForward | null = null;
  /** Each iteration takes the allocator's lock once, FIFO: a skip gives every such loop of its phase one count
   * (sampler-build.ts `keepInStep`). */
  lockstep = false;
  /** A set-up whose every iteration walks a list of all areas set up before it: its rate is a line in its position
   * (sampler-linear.ts `setUpLine`), not the log model (sampler-growth.ts `setUpWalksList`). */
  walk = false;
  /** A cycle of this thread closed at a regeneration event while it stalled in an iteration (sampler-round.ts). */
  stalled = false;
  /** The round in which this thread closed a cycle while stalled, until its next loop boundary (else −1). */
  stallRound = -1;
  /** The sampler's round when the loop began (sampler.ts `inStep`). */
  began = 0;

  /** Starts the thread's next cycle here: its clock, sys and user cycles now. */
  markHere(): void {
    this.markClock = this.t.clock;
    this.markSys = this.t.sysCycles;
    this.markUser = this.t.userCycles;
  }

  /** This thread's own recent cycles: their time (read at once: the next `keep` may trim it). */
  get y(): number[] {
    return this.cycles.y;
  }

  /** This thread's own recent cycles: their loops. */
  get n(): number[] {
    return this.cycles.n;
  }

  /** This thread's own recent cycles: the sys part of their time. */
  get ys(): number[] {
    return this.cycles.ys;
  }

  /** This thread's own recent cycles: the user part of their time. */
  get yu(): number[] {
    return this.cycles.yu;
  }

  /** Records one cycle of this thread (cycles, loops, sys and user cycles), keeping the last `KEEP`. */
  keep(y: number, n: number, ys: number, yu: number): void {
    this.cycles.push(y, n, ys, yu);
  }

  /** Counts a decided skip of `k` loops and `jump` cycles (with its `pendingErr`) on the loop and its kind. */
  takeSkip(k: number, jump: number): void {
    this.done += k;
    this.skipped += k;
    this.errCycles += this.pendingErr;
    const s = this.stats as TagReport;
    s.extrapolatedCycles += jump;
    s.skipped += k;
    s.errCycles += this.pendingErr;
    // The cycle in progress straddles the skip: start the next one after it. A state-building loop's cycles
    // before the skip measured a smaller (larger) state: its own rate starts afresh.
    this.markClock = -1;
    if (this.fast !== null) this.cycles.clear();
  }

  constructor(
    /** The thread running the loop. */
    readonly t: Thread,
    /** Iterations the loop runs. */
    readonly count: number,
    /** Its kind (e.g. a test case): threads running the same kind pool their rates. */
    readonly tag: string,
    /** State-building loops: how to perform skipped loops functionally. */
    readonly fast: FastForward | null,
    /** Cycles by loop count: a set-up that only allocates, whose cycles no flush would end. */
    readonly counted: boolean,
  ) {
    this.lastClock = t.clock;
    this.kase = tag.split(':', 1)[0];
  }
}

/** What a `Sampler` (sampler.ts) simulated and extrapolated (`result.sampling`). */
export interface SamplingReport {
  /** Every loop was simulated (`exact`). */
  exact: boolean;
  /** Loops the workload asked for. */
  loops: number;
  /** Loops simulated in detail. */
  detailed: number;
  /** Loops extrapolated. */
  skipped: number;
  /** Skips made. */
  skips: number;
  /** Σ K_i · (…): the absolute error bound of the extrapolated cycles. */
  errCycles: number;
  /** Bound on the flushes (global and range) the skips replayed: absolute, 95 % (sampler-flush-bound.ts). */
  flushErr: number;
  /** The same per loop kind (tag: a test case, its `:set-up` / `:tear-down`, or the benchmark loop). */
  perTag: Record<string, TagReport>;
  /** With `traceRefusals`: loops in detail per `<loop kind> <- <why the last skip was refused>`. */
  refusals?: Record<string, number>;
}

/** One loop kind's share of a `SamplingReport`: so a phase's own extrapolation can be checked against an exact run. */
export interface TagReport {
  /** Loops of this kind the workload asked for. */
  loops: number;
  /** Loops extrapolated. */
  skipped: number;
  /** Absolute error bound (cycles) of the extrapolated loops. */
  errCycles: number;
  /** Cycles of the loops simulated in detail, summed over threads (each iteration's clock advance). */
  detailedCycles: number;
  /** Cycles added by skips (each thread's jump), summed over threads. */
  extrapolatedCycles: number;
}

/** Kind `tag`'s report in `byTag`, made empty on first use. */
export function tagReport(byTag: Map<string, TagReport>, tag: string): TagReport {
  let s = byTag.get(tag);
  if (s === undefined) {
    s = { loops: 0, skipped: 0, errCycles: 0, detailedCycles: 0, extrapolatedCycles: 0 };
    byTag.set(tag, s);
  }
  return s;
}

/** A loop kind's pooled history (internal to the sampler). */
export interface Kind {
  /** Pooled per round: the round number, time and loops of every thread of this kind. */
  round: number[];
  y: number[];
  n: number[];
  /** Per round: Σ over threads of (loops − mean loops)² and the thread count (the threads' drift apart). */
  q: number[];
  k: number[];
  /** Per round: the regeneration events (flushes) counted when it started. */
  ev: number[];
  /** The round of this kind's last skip, and the rate it used (state-building loops re-measure after each). */
  skipRound: number;
  /** Some cycle of this kind was closed while its thread stalled (sampler-round.ts): its window may drop a warm-up. */
  stalls: boolean;
  lastC: number;
  /** Set-ups: the mean position at the last skip and the growth model it used (NaN: none). */
  lastAt: number;
  lastGrowth: number;
  /** Tear-downs: the slope of the linear model the last skip used (NaN: none). */
  lastSlope: number;
}

/** A kind with no rounds yet and no skip. */
export function emptyKind(): Kind {
  return {
    round: [],
    y: [],
    n: [],
    q: [],
    k: [],
    ev: [],
    skipRound: -1,
    stalls: false,
    lastC: 0,
    lastAt: 0,
    lastGrowth: Number.NaN,
    lastSlope: Number.NaN,
  };
}

export interface Rate {
  /**
   * Pooled cycles per loop, its 95 % half-width, the threads' spread; for state-building loops the rate's move
   * between the window's halves (`trend`) and since the kind's last skip (`moved`), and the window's loops per thread.
   */
  c: number;
  h: number;
  trend: number;
  moved: number;
  /** Set-ups: cycles per loop the rate grows per doubling of the position (NaN: no model yet). */
  growth: number;
  /** Set-ups: the factor the position may grow by in this skip (2, or 4 once the model held). */
  grow: number;
  /** Set-ups, and tear-downs with a linear model: the mean position of the kind's threads. */
  at: number;
  /** Tear-downs fitted as a line (sampler-linear.ts): cycles per loop added per loop, and its 95 % half-width (NaN: none). */
  slope: number;
  slopeH: number;
  /** Linear model: loops it may be extrapolated over, its slope's error staying within the target (else ∞). */
  reach: number;
  /** Linear model: loops from the fitted window's centre to the present position. */
  lag: number;
  /** The rate a thread's own recent rate is compared with (the window's plain ratio; `c` unless linear). */
  ref: number;
  window: number;
  spread: number;
  perRound: number;
}

export interface Snapshot {
  round: number;
  time: number;
  profile: ProfileSnapshot;
  counters: number[];
  /** Regeneration events (flushes) counted when the round closed. */
  flushes: number;
}

/**
 * Adds one thread's cycle (y cycles over n loops) to its kind's pooled round `round`, opened at regeneration count
 * `ev`; the kind keeps its last `window` rounds.
 */
export function poolCycle(k: Kind, round: number, ev: number, y: number, n: number, window: number): void {
  const last = k.round.length - 1;
  if (last >= 0 && k.round[last] === round) {
    // Running sums for the spread: Σn² is kept in q until the round closes (see spread()).
    k.y[last] += y;
    k.n[last] += n;
    k.q[last] += n * n;
    k.k[last]++;
    return;
  }
  k.round.push(round);
  k.ev.push(ev);
  k.y.push(y);
  k.n.push(n);
  k.q.push(n * n);
  k.k.push(1);
  if (k.round.length > window) {
    k.round.shift();
    k.y.shift();
    k.n.shift();
    k.q.shift();
    k.k.shift();
    k.ev.shift();
  }
}

/**
 * A kind's rounds [from, to): loops per thread per round, and the spread of a thread's loops per round (the pooled
 * within-round deviation: Σ over rounds of Σx² − (Σx)²/threads, per thread).
 */
export function roundSpan(k: Kind, from: number, to: number): { perRound: number; spread: number } {
  let threads = 0;
  let loops = 0;
  let q = 0;
  for (let i = from; i < to; i++) {
    threads += k.k[i];
    loops += k.n[i];
    q += k.q[i] - (k.n[i] * k.n[i]) / k.k[i];
  }
  return { perRound: loops / threads, spread: Math.sqrt(q / threads) };
}
