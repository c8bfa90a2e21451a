import { describe, expect, it } from 'vitest';
import { samplerSettings } from './sampler-settings.js';

describe('samplerSettings: the options with their defaults', () => {
  it('no options: the defaults SamplingOptions documents', () => {
    expect(samplerSettings({})).toEqual({
      relError: 0.01,
      need: 8,
      warmLoops: 32,
      chain: 16,
      divergence: 0.05,
      divergenceNoise: false,
      purgeStallsBuilds: false,
      skipBuilds: true,
      inStepEnds: false,
      skipSteady: true,
      regen: null,
    });
  });

  it('a given option wins, false and 0 included (cycles → need, batchLoops → warmLoops, regeneration → regen)', () => {
    const regeneration = () => 3;
    const s = samplerSettings({ cycles: 4, batchLoops: 0, skipBuilds: false, skipSteady: false, regeneration });
    expect(s).toMatchObject({ need: 4, warmLoops: 0, skipBuilds: false, skipSteady: false, relError: 0.01 });
    expect(s.regen).toBe(regeneration);
  });
});
