// Sampled simulation of long loops (the way SMARTS and SimPoint sample a program), by the regenerative method:
// every thread runs in detail; while ALL of a workload's threads are inside counted loops (a "phase": the mix
// of loops is fixed), each thread's loops are measured in regeneration cycles — the stretches between two
// regeneration events of the machine (a TLB flush: the end of a lazy purge, or of a 2.6.27 vunmap), which
// return the allocator to the same state. Once every thread has `cycles` cycles after a warm-up and its
// cycles-per-loop ratio has a 95 % confidence half-width within the target and no trend, the phase is in
// steady state: every thread skips ahead by the same simulated time ΔT (K_i = ΔT / c_i of its loops), its
// clock and user/sys time and the machine's profile and counters advanced by what the measured window did per
// loop. The phase ends in detail (the loop that ends first keeps its last cycles), so transitions, set-ups and
// tear-downs are always simulated. The error bound is Σ [K_i · (h + |c_i − c|) + Y + c] over the simulated
// total: the 95 % half-width h of the pooled rate c, how far each thread's own rate c_i in the window was from
// it (the skip moves every thread at the pooled rate, so the drift between threads is not carried over), and
// the displacement of the rest of the run — the state after a skip is the window's, not the one the exact run
// would reach then: up to one regeneration cycle Y, and a loop's rounding.
// `exact` simulates every loop. Without a regeneration counter every `batchLoops` loops of a thread count as
// a cycle.
import type { Engine, ProfileSnapshot, Rng, Thread } from '@kmemsim/core';

/** How the {@link Sampler} decides a phase is in steady state (defaults suit the vmalloc workloads). */
export interface SamplingOptions {
  /** Simulate every loop. */
  exact?: boolean;
  /** Target relative half-width (95 %) of each thread's cycles per loop before skipping (default 0.01). */
  relError?: number;
  /** Regeneration cycles every thread needs in a window (default 8). */
  cycles?: number;
  /** Warm-up loops after a phase change, and the cycle length without a regeneration counter (default 32). */
  batchLoops?: number;
  /** Regeneration events so far (a counter that only grows), e.g. the machine's TLB flushes. */
  regeneration?: () => number;
}

/** Regeneration events of a machine: its TLB flushes (each ends a lazy purge, or a 2.6.27 vunmap). */
export function flushEvents(e: Engine): () => number {
  const v = e.counters.values;
  const g = e.counters.id('tlb_flush_global', 'global TLB flushes (every CPU)');
  const r = e.counters.id('tlb_flush_range', 'kernel range flushes done page by page');
  return () => v[g] + v[r];
}

/** Student-t 97.5 % quantiles for 1..30 degrees of freedom (then ≈ 1.96). */
const T975 = [
  12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16, 2.145, 2.131, 2.12, 2.11,
  2.101, 2.093, 2.086, 2.08, 2.074, 2.069, 2.064, 2.06, 2.056, 2.052, 2.048, 2.045, 2.042,
];

/** Cycles kept per loop before neighbours are merged (a merged pair is still a regeneration cycle). */
const MAX_CYCLES = 64;

/** One thread's counted loop: `while (l.done < l.n) { …; sampler.next(l); }`. */
export class Loop {
  /** Loops completed (simulated or skipped). */
  done = 0;
  /** Loops skipped by extrapolation. */
  skipped = 0;
  /** Absolute error bound (cycles) of what was skipped. */
  errCycles = 0;
  /** warm: after a phase change; waiting: for the next regeneration event; measuring: in the window. */
  state: 'warm' | 'waiting' | 'measuring' = 'warm';
  /** Warm-up loops left. */
  left = 0;
  /** A cycle boundary is due at this thread's next loop boundary. */
  mark = false;
  /** Thread clock at the last cycle boundary (−1: none yet in this window). */
  markClock = -1;
  /** Loops done at the last cycle boundary. */
  markDone = 0;
  /** Regeneration cycles measured in the window: simulated cycles and loops of each. */
  y: number[] = [];
  /** Loops of each measured regeneration cycle (with `y`). */
  n: number[] = [];
  /** Loops done when the window opened. */
  w0Done = 0;
  /** Thread clock when the window opened, cycles. */
  w0Clock = 0;
  /** Loops done when the window's profile snapshot was taken. */
  openDone = 0;
  /** Thread's system cycles when the window opened. */
  w0Sys = 0;
  /** Thread's user cycles when the window opened. */
  w0User = 0;
  /** A decided skip (loops, cycles per loop, half-width), applied at this thread's next boundary. */
  pendingK = 0;
  /** Pooled cycles per loop of the decided skip. */
  pendingC = 0;
  /** Error per skipped loop of the decided skip (half-width plus this thread's drift), cycles. */
  pendingH = 0;
  /** Displacement error added once for the skip (a regeneration cycle and rounding), cycles. */
  pendingShift = 0;
  /** Cycles every thread's clock advances by for the skip. */
  pendingJump = 0;

  constructor(
    readonly t: Thread,
    readonly count: number,
    readonly tag: string,
  ) {}
}

/** What a {@link Sampler} simulated and extrapolated (`result.sampling`). */
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
  /** Σ K_i · h_i: the absolute (95 %) error bound of the extrapolated cycles. */
  errCycles: number;
  /** The same per loop tag (a test case, an API). */
  perTag: Record<string, { loops: number; skipped: number; errCycles: number }>;
}

/**
 * Sampled simulation of a workload's long loops (regenerative method): loops in steady state are skipped ahead
 * and their time extrapolated, with a 95 % error bound; transitions are always simulated.
 */
export class Sampler {
  /** Every loop is simulated (no extrapolation). */
  readonly exact: boolean;
  private readonly relError: number;
  private readonly need: number;
  private readonly warmLoops: number;
  private readonly regen: (() => number) | null;
  /** The sampler's own stream (the workload's random draws stay as in the exact run). */
  private readonly rng: Rng;
  private lastRegen = -1;
  private readonly members = new Set<Thread>();
  private readonly loops = new Map<Thread, Loop>();
  private windowOpen = false;
  /** Loops still to record the boundary of the latest event. */
  private marksDue = 0;
  private w0Profile: ProfileSnapshot = [];
  private w0Counters: number[] = [];
  private pending = 0;
  private loopsTotal = 0;
  private loopsSkipped = 0;
  private errTotal = 0;
  private skips = 0;
  private readonly byTag = new Map<string, { loops: number; skipped: number; errCycles: number }>();

  constructor(
    readonly engine: Engine,
    o: SamplingOptions = {},
  ) {
    this.exact = o.exact ?? false;
    this.relError = o.relError ?? 0.01;
    this.need = o.cycles ?? 8;
    this.warmLoops = o.batchLoops ?? 32;
    this.regen = o.regeneration ?? null;
    this.rng = engine.rng.fork(0x5a3d);
  }

  /** A workload thread: skips wait until every member is inside a loop. */
  join(t: Thread): void {
    this.members.add(t);
    this.phaseChange();
  }

  /** The workload thread is done: skips no longer wait for it. */
  leave(t: Thread): void {
    this.members.delete(t);
    this.loops.delete(t);
    this.phaseChange();
  }

  /** Thread `t` enters a loop of `n` iterations (`tag` groups loops in the report, e.g. a test case). */
  begin(t: Thread, n: number, tag: string): Loop {
    const l = new Loop(t, n, tag);
    this.loops.set(t, l);
    this.loopsTotal += n;
    const s = this.byTag.get(tag) ?? { loops: 0, skipped: 0, errCycles: 0 };
    s.loops += n;
    this.byTag.set(tag, s);
    this.phaseChange();
    return l;
  }

  /** The loop is over: its thread leaves the phase. */
  end(l: Loop): void {
    if (this.loops.get(l.t) === l) this.loops.delete(l.t);
    this.phaseChange();
  }

  /** After each iteration: counts it and, in a steady phase, skips ahead (l.done then jumps). */
  next(l: Loop): void {
    l.done++;
    if (this.exact) return;
    if (l.pendingK > 0) {
      this.apply(l);
      return;
    }
    if (l.state === 'warm' && --l.left <= 0) l.state = 'waiting';
    if (this.regen === null) {
      // No regeneration counter: every warmLoops loops of this thread end a cycle.
      if (l.state === 'measuring' && (l.done - l.markDone) % this.warmLoops === 0 && !l.mark) {
        l.mark = true;
        this.marksDue++;
      }
      if (!this.windowOpen && l.state === 'waiting') this.maybeOpen();
    } else {
      const ev = this.regen();
      if (ev !== this.lastRegen) {
        this.lastRegen = ev;
        if (!this.windowOpen) this.maybeOpen();
        else if (this.pending === 0 && this.marksDue === 0) {
          // A new round of cycle boundaries (events during a round fall into the next cycle).
          for (const x of this.loops.values()) x.mark = true;
          this.marksDue = this.loops.size;
        }
      }
    }
    if (l.mark) this.record(l);
    if (l.pendingK > 0) this.apply(l);
  }

  /** What was simulated and extrapolated so far. */
  report(): SamplingReport {
    const perTag: SamplingReport['perTag'] = {};
    for (const [tag, s] of this.byTag) perTag[tag] = { ...s };
    return {
      exact: this.exact,
      loops: this.loopsTotal,
      detailed: this.loopsTotal - this.loopsSkipped,
      skipped: this.loopsSkipped,
      skips: this.skips,
      errCycles: this.errTotal,
      perTag,
    };
  }

  private phaseChange(): void {
    this.windowOpen = false;
    this.pending = 0;
    this.marksDue = 0;
    for (const l of this.loops.values()) {
      l.pendingK = 0;
      l.state = 'warm';
      l.left = this.warmLoops;
      l.mark = false;
    }
  }

  /** Every loop past its warm-up: the window opens (profile and counters snapshot; first marks due). */
  private maybeOpen(): void {
    if (this.loops.size !== this.members.size || this.loops.size === 0) return;
    for (const l of this.loops.values()) if (l.state === 'warm') return;
    this.windowOpen = true;
    this.w0Profile = this.engine.profiler.snapshot();
    this.w0Counters = [...this.engine.counters.values];
    this.marksDue = 0;
    for (const l of this.loops.values()) {
      l.state = 'measuring';
      l.openDone = l.done;
      l.y = [];
      l.n = [];
      l.markClock = -1;
      l.mark = true;
      this.marksDue++;
    }
  }

  /** This thread's boundary for the latest event: close its cycle, open the next. */
  private record(l: Loop): void {
    const t = l.t;
    l.mark = false;
    this.marksDue--;
    if (l.markClock < 0) {
      l.w0Done = l.done;
      l.w0Clock = t.clock;
      l.w0Sys = t.sysCycles;
      l.w0User = t.userCycles;
    } else if (l.done > l.markDone) {
      l.y.push(t.clock - l.markClock);
      l.n.push(l.done - l.markDone);
      if (l.y.length >= MAX_CYCLES) {
        const y = l.y;
        const n = l.n;
        l.y = [];
        l.n = [];
        for (let i = 0; i + 1 < y.length; i += 2) {
          l.y.push(y[i] + y[i + 1]);
          l.n.push(n[i] + n[i + 1]);
        }
      }
    }
    l.markClock = t.clock;
    l.markDone = l.done;
    if (this.marksDue === 0 && this.pending === 0) this.maybeDecide();
  }

  /**
   * Every loop with enough cycles, and the loops of each kind (tag) pooled — threads running the same loop are
   * exchangeable, and one of them doing a cycle's purge is what the pool averages out — with a tight,
   * trend-free ratio: decide the common skip ΔT.
   */
  private maybeDecide(): void {
    if (!this.windowOpen || this.loops.size !== this.members.size) return;
    const groups = new Map<string, Loop[]>();
    for (const l of this.loops.values()) {
      if (l.y.length < this.need || l.done - l.openDone < 4 * this.warmLoops) return;
      const g = groups.get(l.tag);
      if (g === undefined) groups.set(l.tag, [l]);
      else g.push(l);
    }
    const stats: { l: Loop; c: number; h: number; shift: number; spread: number; perCycle: number }[] = [];
    for (const g of groups.values()) {
      const k = Math.min(...g.map((l) => l.y.length));
      const y = new Array<number>(k).fill(0);
      const n = new Array<number>(k).fill(0);
      for (const l of g) {
        const off = l.y.length - k;
        for (let i = 0; i < k; i++) {
          y[i] += l.y[off + i];
          n[i] += l.n[off + i];
        }
      }
      const s = ratio(y, n, 0, k);
      if (!(s.h <= this.relError * s.c)) return;
      const half = k >> 1;
      if (Math.abs(ratio(y, n, 0, half).c - ratio(y, n, half, k).c) > 2 * s.h + 1e-9 * s.c) return;
      let loops = 0;
      for (const x of n) loops += x;
      // The skip gives every thread the pooled rate: a thread's own rate in the window may differ (which one did
      // a cycle's purge, how far it drifted from the others), and that difference is part of the bound.
      // Threads drift apart in an exact run: per cycle, each completes a few loops more or fewer than the
      // others (which one did the purge, who waited). That spread, measured here, is given back to the skipped
      // cycles as a random walk, so which thread ends first — which matters to the next phase — stays as likely.
      let q = 0;
      for (const l of g) {
        const from = l.y.length - k;
        for (let i = 0; i < k; i++) q += (l.n[from + i] - n[i] / g.length) ** 2;
      }
      const spread = Math.sqrt(q / (k * g.length));
      for (const l of g) {
        const from = l.y.length - k;
        const own = ratio(l.y, l.n, from, l.y.length).c;
        // The state after the skip is the window's, not the one the exact run would reach at that time: the
        // rest of the run may be displaced by up to a whole regeneration cycle (and a loop's rounding).
        const shift = s.c * (loops / k / g.length + 1);
        stats.push({ l, c: s.c, h: s.h + Math.abs(own - s.c), shift, spread, perCycle: loops / k / g.length });
      }
    }
    // Skip whole regeneration cycles (the phase of the cycle after the skip is the one the exact run would be
    // at), keeping two cycles of every loop for its detailed end; skip at least two, or do not skip.
    let cycles = Number.POSITIVE_INFINITY;
    for (const { l, perCycle } of stats) cycles = Math.min(cycles, Math.floor((l.count - l.done) / perCycle) - 2);
    if (!(cycles >= 2)) return;
    let inWindow = 0;
    let skip = 0;
    const rng = this.rng;
    for (const st of stats) {
      const { l, c, h } = st;
      const k = cycles * st.perCycle;
      const walk = Math.round(gauss(rng) * st.spread * Math.sqrt(cycles));
      l.pendingK = Math.max(1, Math.min(l.count - l.done - 1, Math.round(k) + walk));
      // Every thread moves by the same time: those cycles' span.
      l.pendingJump = Math.round(k * c);
      l.pendingC = c;
      l.pendingH = h;
      l.pendingShift = st.shift;
      inWindow += l.done - l.openDone;
      skip += l.pendingK;
      this.pending++;
    }
    this.replayMachine(skip / inWindow);
    this.skips++;
  }

  /** Adds `f` times the window's profile and counters to the machine: the skipped loops' share. */
  private replayMachine(f: number): void {
    const e = this.engine;
    e.profiler.replay(this.w0Profile, f);
    const v = e.counters.values;
    for (let i = 0; i < v.length; i++) v[i] += Math.round((v[i] - (this.w0Counters[i] ?? 0)) * f);
  }

  /** Applies this thread's share of a decided skip at its boundary. */
  private apply(l: Loop): void {
    const t = l.t;
    const k = l.pendingK;
    l.pendingK = 0;
    this.pending--;
    // The skipped time splits into user / sys / idle as this thread's window did.
    const jump = l.pendingJump;
    const span = t.clock - l.w0Clock;
    const share = (d: number) => (span > 0 ? Math.round((d / span) * jump) : 0);
    const sys = share(t.sysCycles - l.w0Sys);
    const user = share(t.userCycles - l.w0User);
    t.sysCycles += sys;
    t.userCycles += user;
    t.idleCycles += jump - sys - user;
    this.engine.clock[t.cpu] += jump;
    l.done += k;
    l.skipped += k;
    const err = k * l.pendingH + l.pendingShift;
    l.errCycles += err;
    this.loopsSkipped += k;
    this.errTotal += err;
    const s = this.byTag.get(l.tag) as { skipped: number; errCycles: number };
    s.skipped += k;
    s.errCycles += err;
    if (this.pending === 0) {
      // Every thread has skipped: the phase goes on in detail, and may be measured and skipped again.
      this.windowOpen = false;
      this.marksDue = 0;
      for (const x of this.loops.values()) {
        x.state = 'waiting';
        x.mark = false;
      }
    }
  }
}

/** A standard normal draw (Box–Muller) from the engine's seeded generator. */
function gauss(rng: Rng): number {
  const u = Math.max(rng.float(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng.float());
}

/** Regenerative ratio estimator over cycles [from, to): c = ΣY/ΣN and its 95 % half-width. */
function ratio(y: number[], n: number[], from: number, to: number): { c: number; h: number } {
  const k = to - from;
  let sy = 0;
  let sn = 0;
  for (let i = from; i < to; i++) {
    sy += y[i];
    sn += n[i];
  }
  const c = sy / sn;
  if (k < 2) return { c, h: Number.POSITIVE_INFINITY };
  let q = 0;
  for (let i = from; i < to; i++) q += (y[i] - c * n[i]) ** 2;
  const s = Math.sqrt(q / (k - 1));
  const t = k - 1 <= T975.length ? T975[k - 2] : 1.96;
  return { c, h: (t * s) / (Math.sqrt(k) * (sn / k)) };
}
