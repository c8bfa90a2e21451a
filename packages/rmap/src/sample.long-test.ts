import { describe, expect, it } from 'vitest';
import { BENCH_DESIGNS as DESIGNS } from './designs.js';
import { checkSampled } from './sample-check.js';

describe('sampled fidelity against the exact model (fork + exit, 512 K pages, dual PIII)', () => {
  for (const [name, variant] of DESIGNS) {
    it(`${name}: times within the stated bound, every other count identical`, () => {
      const { errors, bound, sampledPct } = checkSampled(variant, 1 << 19);
      expect(sampledPct).toBeLessThan(16);
      expect(Math.max(...Object.values(errors))).toBeLessThan(bound);
    }, 120_000);
  }

  it('three rounds: the same holds', () => {
    const { errors, bound } = checkSampled(DESIGNS[1]?.[1] as (typeof DESIGNS)[number][1], 1 << 18, { rounds: 3 });
    expect(Math.max(...Object.values(errors))).toBeLessThan(bound);
  }, 120_000);

  it('two children per round (fork and exit at once on two CPUs): the run stays exact and says so', () => {
    const { errors, bound, sampledPct, fidelity } = checkSampled(
      DESIGNS[1]?.[1] as (typeof DESIGNS)[number][1],
      1 << 17,
      {
        children: 2,
      },
    );
    expect({ sampledPct, bound }).toEqual({ sampledPct: 100, bound: 0 });
    expect(fidelity).toEqual({ used: 'exact', why: expect.stringMatching(/> 1 child per round/) });
    expect(errors).toEqual({ fork_us: 0, exit_us: 0, real_us: 0 });
  }, 120_000);
});
