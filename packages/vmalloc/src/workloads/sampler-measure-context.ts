// What a measurement reads beside a kind's history (MeasureContext), and how a decision builds it from the
// sampler's settings and where its rounds stand (sampler.ts `maybeDecide`).
import type { Thread } from '@kmemsim/core';
import { besideFrees } from './sampler-hold.js';
import type { Kind, Loop } from './sampler-loop.js';
import type { RefusalLog } from './sampler-refusal.js';
import { meanDone } from './sampler-replay.js';
import type { SamplerSettings } from './sampler-settings.js';

/** What a measurement reads beside the kind's history. */
export interface MeasureContext {
  /** The sampler's current round. */
  round: number;
  /** Rounds of history a kind may use (older ones are stale). */
  window: number;
  /** Recent cycles a kind needs (`SamplingOptions.cycles`). */
  need: number;
  /** Target relative half-width (`SamplingOptions.relError`). */
  relError: number;
  /** Regeneration events (flushes) between the start of round `from` of `k` and its last round's start. */
  flushesIn(k: Kind, from: number): number;
  /** Mean loops done by the threads in loops of kind `tag`. */
  meanDone(tag: string): number;
  /** The first round begun in the present mix (which thread runs which loop kind; sampler.ts `begin`, `drop`). */
  mixFrom: number;
  /** Where a refused measurement says why (SamplingOptions.traceRefusals), or undefined. */
  refused?: RefusalLog;
  /** A steady kind whose rounds fail may be measured over whole flush cycles (sampler-round-flush.ts). */
  flushCycles?: boolean;
  /** A mixed phase's steady kind whose window fails may be measured over its logged cycles (sampler-round-log.ts). */
  loggedCycles?: boolean;
  /** Loops that free run beside, and their purges stall set-ups (SamplingOptions.purgeStallsBuilds). */
  besideFrees?: boolean;
}

/** Where the sampler's rounds stand at a decision. */
export interface DecisionPoint {
  round: number;
  /** Rounds of history a kind may use (sampler-window.ts `windowRounds`). */
  window: number;
  mixFrom: number;
  /** Steady rounds are cut between flushes (sampler.ts `cutting`). */
  cutting: boolean;
  /** Every worker in a mixed phase (sampler-gates.ts). */
  mixedPhase: boolean;
  refused: RefusalLog | null;
}

/**
 * The context of a decision: flush cycles are counted where a regeneration counter is given and rounds are not cut
 * (cut rounds are measured by sampler-round-cut.ts instead).
 */
export function measureContext(
  s: SamplerSettings,
  loops: ReadonlyMap<Thread, Loop>,
  at: DecisionPoint,
): MeasureContext {
  return {
    round: at.round,
    window: at.window,
    need: s.need,
    relError: s.relError,
    flushesIn: (k, from) => (s.regen === null ? Number.POSITIVE_INFINITY : k.ev[k.ev.length - 1] - k.ev[from]),
    meanDone: (tag) => meanDone(loops.values(), tag),
    mixFrom: at.mixFrom,
    flushCycles: s.regen !== null && !at.cutting,
    loggedCycles: at.mixedPhase && s.regen !== null && !at.cutting,
    besideFrees: s.purgeStallsBuilds && besideFrees(loops.values()),
    refused: at.refused ?? undefined,
  };
}
