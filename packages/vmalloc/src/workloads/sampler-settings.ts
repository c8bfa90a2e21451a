// The sampler's settings: its options with their defaults filled in (sampler-loop.ts `SamplingOptions` documents
// each), fixed for the run.
import type { SamplingOptions } from './sampler-loop.js';

/** `SamplingOptions` resolved: the given value, else the default. */
export interface SamplerSettings {
  readonly relError: number;
  /** `cycles`: recent regeneration cycles a kind needs. */
  readonly need: number;
  /** `batchLoops`: warm-up loops, and a cycle's loops where no regeneration counter is given. */
  readonly warmLoops: number;
  readonly chain: number;
  readonly divergence: number;
  readonly divergenceNoise: boolean;
  readonly purgeStallsBuilds: boolean;
  readonly skipBuilds: boolean;
  readonly inStepEnds: boolean;
  readonly skipSteady: boolean;
  /** `regeneration`, or null: a cycle is `warmLoops` loops. */
  readonly regen: (() => number) | null;
}

export function samplerSettings(o: SamplingOptions): SamplerSettings {
  return {
    relError: o.relError ?? 0.01,
    need: o.cycles ?? 8,
    warmLoops: o.batchLoops ?? 32,
    chain: o.chain ?? 16,
    divergence: o.divergence ?? 0.05,
    divergenceNoise: o.divergenceNoise ?? false,
    purgeStallsBuilds: o.purgeStallsBuilds ?? false,
    skipBuilds: o.skipBuilds ?? true,
    inStepEnds: o.inStepEnds ?? false,
    skipSteady: o.skipSteady ?? true,
    regen: o.regeneration ?? null,
  };
}
