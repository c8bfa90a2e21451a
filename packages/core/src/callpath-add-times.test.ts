import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addTimes, CallPaths } from './callpath.js';

/** The reference: k float adds of c in a row. */
function loop(v: number, c: number, k: number): number {
  let s = v;
  for (let n = 0; n < k; n++) s += c;
  return s;
}

/** Values where the closed form's guard matters: integers around 2^53, small ones, fractions, signed zeros. */
const value = fc.oneof(
  fc.integer({ min: -5000, max: 5000 }),
  fc.integer({ min: -64, max: 64 }).map((d) => 2 ** 53 + d),
  fc.integer({ min: -64, max: 64 }).map((d) => -(2 ** 53) + d),
  fc.maxSafeInteger(),
  fc.double({ min: -1e6, max: 1e6, noNaN: true }),
  fc.double({ noNaN: true }),
  fc.constantFrom(0, -0, 0.1, 2 ** 52, 2 ** 52 + 1, 2 ** 60),
);

describe('addTimes', () => {
  it('gives the float of k adds in a row, for any values (closed form only where it is exact)', () => {
    fc.assert(
      fc.property(value, value, fc.integer({ min: 0, max: 300 }), (v, c, k) => {
        expect(Object.is(addTimes(v, c, k), loop(v, c, k))).toBe(true);
      }),
      { numRuns: 5000 },
    );
  });

  it('stops at the 2^53 edge: past it a run of adds rounds where one multiply-add does not', () => {
    expect(addTimes(2 ** 53 - 1, 1, 3)).toBe(2 ** 53); // 2^53 + 1 rounds back to 2^53 at each add
    expect(addTimes(2 ** 53 - 4, 1, 3)).toBe(2 ** 53 - 1);
    expect(addTimes(0.1, 0.2, 3)).toBe(0.1 + 0.2 + 0.2 + 0.2);
  });

  it('CallPaths.chargeTimes is k charges in a row, on the same cell', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(value, fc.integer({ min: 0, max: 40 })), { maxLength: 12 }), (ops) => {
        const a = new CallPaths();
        const b = new CallPaths();
        for (const [c, k] of ops) {
          a.chargeTimes(1, 3, c, k);
          for (let n = 0; n < k; n++) b.charge(1, 3, c);
        }
        expect(Array.from(a.perSymbol(4), (x) => (Object.is(x, -0) ? 'm0' : x))).toEqual(
          Array.from(b.perSymbol(4), (x) => (Object.is(x, -0) ? 'm0' : x)),
        );
      }),
      { numRuns: 500 },
    );
  });
});
