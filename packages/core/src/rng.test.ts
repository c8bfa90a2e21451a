// The seeded stream and its forks (rng.ts).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Rng } from './rng.js';

const draws = (r: Rng, n = 4) => Array.from({ length: n }, () => r.u32());

describe('Rng.fork', () => {
  it('different seeds fork different streams, for small and large stream numbers', () => {
    // Seeds 2 and 3 forked the same stream for stream numbers ≥ 2^22 (a float product past 2^53).
    for (const stream of [1, 0x5a3d, 2 ** 22, 2 ** 30 + 7, 0xffffffff])
      expect(draws(new Rng(2).fork(stream)), `stream ${stream}`).not.toEqual(draws(new Rng(3).fork(stream)));
  });

  it('agrees with the float formula wherever its product was exact (existing outputs unchanged)', () => {
    fc.assert(
      fc.property(fc.nat(0xffffffff), fc.nat(2 ** 21 - 1), (seed, stream) => {
        const old = new Rng((Math.imul(seed ^ 0x5bd1e995, 31) + stream * 0x27d4eb2d) >>> 0);
        expect(draws(new Rng(seed).fork(stream))).toEqual(draws(old));
      }),
    );
  });

  it('is deterministic: the same seed and stream give the same draws', () => {
    expect(draws(new Rng(42).fork(9), 8)).toEqual(draws(new Rng(42).fork(9), 8));
  });
});
