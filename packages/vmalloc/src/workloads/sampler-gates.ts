// The gates of a skip decision (sampler.ts `maybeDecide`) after "every thread in a loop": each closed one holds the
// present mix in detail. Evaluated in order and stopped at the first closed one, or all of them for the refusal
// trace: in 6.9's shuffled order the first gate hid the others. At 64 × mask 7 × 100,000 the trace charged 35.0 M
// of 35.8 M loops to "kworker beside a builder", yet lifting that gate changes nothing: every builder's round is
// also held by "case order" and by 6.9's "no builds skipped" (the same cases and phases at 16 and 32 × 20,000;
// docs/vmalloc-sampling.md, s26).
import { buildsHeld, kworkerBesideBuilder } from './sampler-hold.js';
import type { Loop } from './sampler-loop.js';
import { type MixedLayout, mixedSkippable } from './sampler-mixed.js';

/** What the gates read (the sampler's state at the decision). */
export interface GateInput {
  /** The engine's live kworkers (6.9's drain, purge helpers). */
  kworkersLive: number;
  /** Every thread's current loop. */
  loops: readonly Loop[];
  /** SamplingOptions.skipSteady. */
  skipSteady: boolean;
  /** Rounds are cut between flushes (a kworker shares the CPUs): a skip needs one case order. */
  cutting: boolean;
  /** Every worker has begun the same cases in the same order (sampler-order.ts). */
  sameOrder: () => boolean;
  /** SamplingOptions.skipBuilds. */
  skipBuilds: boolean;
  /** The mixed phases' layout, or null. */
  mixed: MixedLayout | null;
}

/** The gates' verdict: the closed ones' names (' + '-joined; '' when open) and whether the mix is a mixed phase. */
export interface GateVerdict {
  closed: string;
  mixedPhase: boolean;
}

/**
 * The closed gates, in the order `maybeDecide` tests them: a kworker beside a builder (sampler-hold.ts), a steady
 * loop without a lay-down where steady loops are not skipped, the case order, and for a mixed phase (a builder
 * beside another case, or any builder where builds are not skipped: buildsHeld) no builds skipped, no layout, or a
 * purge in detail (sampler-mixed.ts `mixedSkippable`). `all`: every gate (the trace's); else up to the first closed.
 */
export function closedGates(g: GateInput, all: boolean): GateVerdict {
  const closed: string[] = [];
  const shut = (name: string): boolean => {
    closed.push(name);
    return !all;
  };
  const verdict = (mixedPhase: boolean): GateVerdict => ({ closed: closed.join(' + '), mixedPhase });
  if (kworkerBesideBuilder(g.kworkersLive, g.loops) && shut('kworker beside a builder')) return verdict(false);
  if (!g.skipSteady && g.loops.some((l) => l.fast === null && l.steady === null) && shut('steady loops kept'))
    return verdict(false);
  if (g.cutting && !g.sameOrder() && shut('case order')) return verdict(false);
  const mixedPhase = buildsHeld(g.loops, g.skipBuilds);
  if (mixedPhase) {
    if (!g.skipBuilds) shut('no builds skipped');
    else if (g.mixed === null) shut('mixed phases off');
    else if (!mixedSkippable(g.loops, g.mixed)) shut('purge in detail');
  }
  return verdict(mixedPhase);
}
