// Sampled simulation of long loops (SMARTS-style, regenerative rate estimate): steady loops are skipped ahead and
// their time extrapolated with a 95 % error bound, so kernel-default loop counts run in seconds. The method, its
// rules and its bound are summarised in the package README ("Sampled simulation"), each in docs/vmalloc-sampling.md.
import type { Engine, Rng, Thread } from '@kmemsim/core';
import { AfterSkip } from './sampler-after.js';
import { IN_STEP_TAIL } from './sampler-build.js';
import { measureKinds, noteSkip, skipSpan } from './sampler-decide.js';
import { FlushBound } from './sampler-flush-bound.js';
import { closedGates } from './sampler-gates.js';
import { diverging } from './sampler-hold.js';
import {
  emptyKind,
  type FastForward,
  type Kind,
  Loop,
  poolCycle,
  type SamplingOptions,
  type SamplingReport,
  type Snapshot,
  type TagReport,
  tagReport,
} from './sampler-loop.js';
import { measureContext } from './sampler-measure-context.js';
import type { MixedLayout } from './sampler-mixed.js';
import { CaseOrders } from './sampler-order.js';
import { paceShares } from './sampler-pace.js';
import { loopsDone, ProgressWatch } from './sampler-progress.js';
import { RefusalLog } from './sampler-refusal.js';
import { chargeJump, replayMachine } from './sampler-replay.js';
import { closeStalled, stalledRound, stallShares } from './sampler-round.js';
import { CutClock, measureCut } from './sampler-round-cut.js';
import { logRound } from './sampler-round-log.js';
import { CycleLog } from './sampler-round-reach.js';
import { type SamplerSettings, samplerSettings } from './sampler-settings.js';
import { layDown, setShares } from './sampler-shares.js';
import { pushSnapshot } from './sampler-snap.js';
import { WaitTally } from './sampler-wait.js';
import { replayFrom, snapsKept, windowRounds } from './sampler-window.js';

export {
  type FastForward,
  flushEvents,
  Loop,
  type SamplingOptions,
  type SamplingReport,
  type TagReport,
} from './sampler-loop.js';

/** Sampled simulation of long loops: steady loops skipped, their time extrapolated (95 % bound); transitions not. */
export class Sampler {
  /** Every loop is simulated (no extrapolation). */
  readonly exact: boolean;
  /** The options with their defaults (sampler-settings.ts). */
  private readonly cfg: SamplerSettings;
  /** What loops in detail after a skip carry in their bound (sampler-after.ts). */
  private readonly after: AfterSkip;
  private readonly walks: SamplingOptions['walks'];
  /** [vm-shuffle] Mixed phases' layout (sampler-mixed.ts); null: a mixed phase with a builder runs in detail. */
  private readonly mixed: MixedLayout | null;
  /** The sampler's own stream (the workload's random draws stay as in the exact run). */
  private readonly rng: Rng;
  private lastRegen = -1;
  /** The round of the last skip. */
  private lastSkip = -1;
  /** Regeneration events (without set-up ticks) when the last round started. */
  private lastRegenEv = 0;
  /** Batch boundaries crossed by set-up loops (their stand-in for regeneration events). */
  private buildTicks = 0;
  /** Where steady rounds are cut between flushes (sampler-round-cut.ts). */
  private readonly cuts = new CutClock();
  /** The flush gaps seen in detail and the bound on the flushes skips replayed (sampler-flush-bound.ts). */
  private readonly flushBound = new FlushBound();
  /** Whole flush cycles of the steady kinds, where rounds are cut (sampler-round-reach.ts). */
  private readonly cycleLog = new CycleLog();
  private readonly members = new Set<Thread>();
  /** The cases each thread has begun, in order (sampler-order.ts). */
  private readonly orders = new CaseOrders();
  private readonly loops = new Map<Thread, Loop>();
  private readonly kinds = new Map<string, Kind>();
  private readonly snaps: Snapshot[] = [];
  private round = 0;
  /** Regeneration events seen while the current round waited for a kworker-stalled thread (sampler-round.ts). */
  private openEvents = 0;
  /** Loops still to record the boundary of the current round. */
  private marksDue = 0;
  private pending = 0;
  /** Skips since the last round measured entirely in detail. */
  private chained = 0;
  private skippedThisRound = false;
  private loopsSkipped = 0;
  private errTotal = 0;
  private skips = 0;
  private readonly byTag = new Map<string, TagReport>();
  /** The first round begun in the present mix (which thread runs which loop kind: it changes at each begin and end). */
  private mixFrom = 0;
  /** Why loops run in detail (SamplingOptions.traceRefusals), or null. */
  private readonly refusals: RefusalLog | null;
  private readonly progress = new ProgressWatch();

  constructor(
    readonly engine: Engine,
    o: SamplingOptions = {},
  ) {
    this.exact = o.exact ?? false;
    this.cfg = samplerSettings(o);
    this.after = new AfterSkip(o.afterFastError ?? 0.06, new WaitTally(engine));
    this.walks = o.walks;
    this.mixed = o.mixed ?? null; // [vm-shuffle]
    this.refusals = o.traceRefusals === true ? new RefusalLog() : null;
    this.rng = engine.rng.fork(0x5a3d);
  }

  /** A workload thread: skips wait until every member is inside a loop. */
  join(t: Thread): void {
    this.members.add(t);
  }

  /** The workload thread is done: skips no longer wait for it. */
  leave(t: Thread): void {
    this.members.delete(t);
    this.drop(t);
  }

  /** Thread `t` enters a loop of `n` iterations (`tag`: its kind, e.g. a test case); `fast` for state-building loops. */
  begin(t: Thread, n: number, tag: string, fast: FastForward | null = null, counted = false): Loop {
    this.drop(t);
    this.mixFrom = this.round + 1;
    const l = new Loop(t, n, tag, fast, counted);
    l.warm = this.cfg.warmLoops;
    l.began = this.round;
    this.orders.note(t, l.kase);
    this.loops.set(t, l);
    this.after.enter(l);
    l.stats = tagReport(this.byTag, tag);
    l.stats.loops += n;
    // A new loop may complete the mix after a skip: the next skip need not wait for a round.
    if (!this.exact && this.pending === 0) this.maybeDecide();
    return l;
  }

  /** The loop is over: its thread leaves it. */
  end(l: Loop): void {
    if (this.loops.get(l.t) === l) this.drop(l.t);
  }

  /** Calls `fn` with the loops done (sampler-progress.ts) every `every` loops in detail; it only reads. */
  watch(every: number, fn: (done: number) => void): void {
    this.progress.set(every, fn);
  }

  /** After each iteration: counts it and, in a steady mix, skips ahead (l.done then jumps). */
  next(l: Loop): void {
    l.done++;
    if (this.progress.left > 0 && this.progress.due()) this.progress.tell(loopsDone(this.byTag, this.loops.values()));
    l.stallRound = -1;
    const tag = l.stats as TagReport;
    tag.detailedCycles += l.t.clock - l.lastClock;
    if (this.exact) {
      l.lastClock = l.t.clock;
      return;
    }
    this.walks?.note(l);
    // A loop in detail after a skip meets a machine the exact run never had (sampler-after.ts).
    if (this.skips > 0) this.errTotal += this.after.charge(l, tag);
    l.lastClock = l.t.clock;
    this.after.mark(l.t);
    this.refusals?.count(l.tag);
    if (l.pendingK > 0) {
      this.apply(l);
      return;
    }
    if (l.warm > 0) l.warm--;
    // Set-ups free nothing, so no flush ends their cycles: every `batchLoops` loops of one is an event.
    if (l.counted && l.done % this.cfg.warmLoops === 0) this.buildTicks++;
    const regen = this.cfg.regen === null ? Math.floor(l.done / this.cfg.warmLoops) : this.cfg.regen();
    if (this.cfg.regen !== null) this.flushBound.note(regen, l.t.clock);
    // Steady loops on a machine whose purges wait for a kworker's turn (6.9's drain): a round also closes every
    // `CUTS` th of a flush cycle's loops (sampler-round-cut.ts).
    if (this.cutting() && l.fast === null && !l.counted && this.cuts.tick(regen, this.cfg.warmLoops, this.loops.size))
      this.buildTicks++;
    if (regen !== this.cycleLog.last && this.cutting()) this.cycleLog.flush(regen, this.loops.values());
    const ev = regen + this.buildTicks;
    if (ev !== this.lastRegen) {
      this.lastRegen = ev;
      this.lastRegenEv = regen;
      if (
        this.marksDue > 0 &&
        this.pending === 0 &&
        this.engine.kworkersLive > 0 &&
        stalledRound(++this.openEvents, this.loops.values())
      )
        this.closeStalled(l);
      if (this.marksDue === 0 && this.pending === 0) this.startRound();
    }
    if (l.mark) this.record(l);
  }

  /** What was simulated and extrapolated so far. */
  report(): SamplingReport {
    this.errTotal += this.after.settled(this.byTag);
    let loops = 0; // every loop begun, each counted in its kind's report
    for (const s of this.byTag.values()) loops += s.loops;
    return {
      exact: this.exact,
      loops,
      detailed: loops - this.loopsSkipped,
      skipped: this.loopsSkipped,
      skips: this.skips,
      errCycles: this.errTotal,
      flushErr: Math.round(this.flushBound.err),
      perTag: Object.fromEntries([...this.byTag].map(([tag, s]) => [tag, { ...s }])),
      ...(this.refusals === null ? {} : { refusals: this.refusals.report() }),
    };
  }

  private drop(t: Thread): void {
    const l = this.loops.get(t);
    if (l === undefined) return;
    this.loops.delete(t);
    this.mixFrom = this.round + 1;
    if (l.mark) {
      l.mark = false;
      this.marksDue--;
      if (this.marksDue === 0) this.roundDone(t.clock);
    }
    if (l.pendingK > 0) {
      l.pendingK = 0;
      this.pending--;
    }
  }

  /** A regeneration event: every thread in a loop closes its cycle at its next boundary. */
  private startRound(): void {
    this.openEvents = 0;
    this.round++;
    this.skippedThisRound = false;
    for (const l of this.loops.values()) l.mark = true;
    this.marksDue = this.loops.size;
  }

  private record(l: Loop): void {
    const t = l.t;
    l.mark = false;
    this.marksDue--;
    if (l.warm === 0 && l.markClock >= 0 && l.done > l.markDone) {
      const y = t.clock - l.markClock;
      const n = l.done - l.markDone;
      l.keep(y, n, t.sysCycles - l.markSys, t.userCycles - l.markUser);
      this.pool(l.tag, y, n);
    }
    l.markDone = l.done;
    l.markHere();
    if (this.marksDue === 0) this.roundDone(t.clock);
  }

  /**
   * A regeneration event while a kworker runs and the round still waits for a stalled thread (sampler-round.ts
   * `stalledRound`): the threads still owing their mark close their cycles where they stand (`closeStalled`), and
   * the round closes.
   */
  private closeStalled(at: Loop): void {
    this.marksDue -= closeStalled(this.loops.values(), at, this.round, (l, y) => {
      this.pool(l.tag, y, 0);
      (this.kinds.get(l.tag) as Kind).stalls = true;
    });
    if (at.mark) this.record(at);
    else if (this.marksDue === 0) this.roundDone(at.t.clock);
  }

  /** Adds a thread's cycle to its kind's pooled round. */
  private pool(tag: string, y: number, n: number): void {
    let k = this.kinds.get(tag);
    if (k === undefined) {
      k = emptyKind();
      this.kinds.set(tag, k);
    }
    poolCycle(k, this.round, this.lastRegenEv, y, n, windowRounds(this.cuts.at));
    logRound(k);
  }

  private roundDone(now: number): void {
    // replayWindow looks `need` rounds back at most (`need` flush cycles of cut rounds).
    const kept = snapsKept(this.cuts.at, this.cfg.need) + 1;
    pushSnapshot(this.snaps, kept, this.engine, this.round, now, this.lastRegenEv);
    if (!this.skippedThisRound) this.chained = 0;
    if (this.pending === 0) this.maybeDecide();
  }

  /**
   * Every thread in a loop and every loop kind measured (recent, tight, trend-free cycles): skip all threads by
   * the time until the first loop ends.
   */
  private maybeDecide(): void {
    this.after.scan(this.loops.values(), this.kinds, this.lastSkip, this.cfg.need, this.mixFrom, this.byTag);
    this.errTotal += this.after.owed();
    this.refusals?.note('gate');
    if (this.loops.size !== this.members.size || this.loops.size === 0 || this.chained >= this.cfg.chain) return;
    // A kworker beside a builder, steady loops kept, the case order, a mixed phase held (sampler-gates.ts); the
    // trace names every closed gate. [vm-shuffle] A mixed phase skips when its layout can be laid down.
    const gates = closedGates(
      {
        kworkersLive: this.engine.kworkersLive,
        loops: [...this.loops.values()],
        skipSteady: this.cfg.skipSteady,
        cutting: this.cutting(),
        sameOrder: () => this.orders.same(this.members),
        skipBuilds: this.cfg.skipBuilds,
        mixed: this.mixed,
      },
      this.refusals !== null,
    );
    this.refusals?.note(`gate: ${gates.closed}`);
    if (gates.closed !== '') return;
    const mixedPhase = gates.mixedPhase;
    const ctx = measureContext(this.cfg, this.loops, {
      round: this.round,
      window: windowRounds(this.cuts.at),
      mixFrom: this.mixFrom,
      cutting: this.cutting(),
      mixedPhase,
      refused: this.refusals,
    });
    this.refusals?.note(mixedPhase ? 'rate in a mixed phase' : 'rate');
    const rate = this.cutting()
      ? measureCut(this.loops.values(), this.kinds, ctx, this.cycleLog, this.cfg.warmLoops)
      : measureKinds(this.loops.values(), this.kinds, ctx);
    if (rate === null) return;
    this.refusals?.note('diverging');
    if (diverging(this.loops.values(), rate, this.cfg.divergence, this.cfg.divergenceNoise)) return;
    const stalls = stallShares(this.loops.values(), (tag) => (this.kinds.get(tag) as Kind).stalls);
    const gaps = new Map<Loop, number>(); // each worker's own pace, and how far behind its kind (sampler-pace.ts)
    const shares = paceShares(this.loops.values(), stalls, this.cfg.need, gaps);
    // `inStepEnds` (2.6.27, every loop on FIFO vmlist_lock): the decider waits for its boundary like the others and
    // each loop's last IN_STEP_TAIL loops run in detail, so no worker leaves a phase alone ahead of the rotation
    // (why: docs/vmalloc-speed-history.md "2.6.27 in step", sampler-build.ts buildsOnOneLock).
    const tail = this.cfg.inStepEnds ? IN_STEP_TAIL : 0;
    const dt = skipSpan(this.loops.values(), rate, shares, tail);
    this.refusals?.note('span under two rounds');
    if (Number.isNaN(dt)) return;
    const replay = replayFrom(this.snaps, this.cfg.need, this.lastSkip, this.cuts.at, this.cutting());
    this.refusals?.note('no replay window');
    if (replay === null) return;
    this.refusals?.note('skipped');
    const decider = this.cfg.inStepEnds ? null : this.engine.current;
    const builds = setShares(
      this.loops.values(),
      { rate, dt, shares, gaps, decider, tail, mixedPhase, rng: this.rng },
      (l) => this.apply(l, true),
      () => this.pending++,
    );
    layDown(builds, this.loops.values(), mixedPhase ? this.mixed : null);
    noteSkip(this.kinds, rate, this.round);
    this.after.skip(this.loops.values(), rate, dt, this.round);
    const before = this.cfg.regen?.() ?? 0;
    replayMachine(this.engine, replay, this.snaps[this.snaps.length - 1], dt);
    if (this.cfg.regen !== null) this.flushBound.skip(dt, this.cfg.regen() - before);
    if (this.cutting()) this.cycleLog.restart((this.cfg.regen as () => number)());
    this.chained++;
    this.skippedThisRound = true;
    this.skips++;
    this.lastSkip = this.round;
    if (decider !== null) {
      const l = this.loops.get(decider);
      if (l !== undefined && l.pendingK > 0) this.apply(l);
    }
  }

  /** Rounds of steady loops are cut between flushes: the purge waits for a kworker's turn (sampler-round-cut.ts). */
  private cutting(): boolean {
    return this.cfg.regen !== null && this.engine.fairShare !== null;
  }

  /** Applies this thread's share of a decided skip at its boundary. */
  private apply(l: Loop, now = false): void {
    const t = l.t;
    const k = l.pendingK;
    l.pendingK = 0;
    const jump = l.pendingJump;
    chargeJump(l, jump);
    this.engine.clock[t.cpu] += jump;
    if (now) l.lastClock += jump;
    else {
      this.pending--;
      l.lastClock = t.clock;
    }
    this.after.mark(t, now ? jump : undefined);
    l.takeSkip(k, jump);
    this.loopsSkipped += k;
    this.errTotal += l.pendingErr;
  }
}
