// The bound on a skip's replayed flushes: a renewal estimate over the gaps seen in detail (sampler-flush-bound.ts).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FlushBound } from './sampler-flush-bound.js';

/** A FlushBound that saw flushes at these times (the first gap, a cold start's, is left out). */
function seen(times: number[]): FlushBound {
  const b = new FlushBound();
  for (let i = 0; i < times.length; i++) b.note(i + 1, times[i]);
  return b;
}

describe('FlushBound', () => {
  it('regular gaps: a skip that replays what their mean predicts is bounded by the cut gap alone', () => {
    // Gaps of 100 after the cold start's: mean 100, no spread; 1,000 cycles replayed as 10 flushes.
    const b = seen([0, 500, 600, 700, 800, 900, 1_000]);
    expect(b.skipErr(1_000, 10)).toBe(1);
    expect(b.skipErr(1_000, 13)).toBe(4);
  });

  it('heavy-tailed gaps widen it: one gap 40× the others among 20', () => {
    const t = [0, 1_000];
    for (let i = 0; i < 19; i++) t.push(t[t.length - 1] + 100);
    t.push(t[t.length - 1] + 4_000);
    const b = seen(t);
    // mean (19·100 + 4,000) / 20 = 295; a window of short gaps replays 10 per 1,000 cycles.
    const err = b.skipErr(10_000, 100);
    expect(err).toBeGreaterThan(100 - 10_000 / 295);
    expect(err).toBeGreaterThan(50);
  });

  it('under two gaps seen: the whole replayed count (and one)', () => {
    expect(seen([0, 100, 200]).skipErr(1_000, 7)).toBe(8);
  });

  it('no gap spans a skip; several flushes between two loop ends are as many equal gaps', () => {
    const b = seen([0, 1_000, 1_100, 1_200]);
    b.skip(500, 5);
    expect(b.err).toBe(1);
    b.note(10, 9_000); // the first flush seen after the skip: no gap
    b.note(12, 9_200); // two flushes: gaps of 100 and 100
    expect(b.skipErr(1_000, 10)).toBe(1);
  });

  it('covers the count a renewal process with the same gaps gives, on random gap sequences', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 50 }), { minLength: 40, maxLength: 200 }), (gaps) => {
        const t = [0];
        for (const g of gaps) t.push(t[t.length - 1] + g);
        const b = seen(t);
        // The next stretch replays the same gaps again (from the second on): its count is within the bound.
        const dt = t[t.length - 1] - t[1];
        const replayed = Math.round((gaps.length - 1) * 0.5);
        const truth = gaps.length - 1;
        return Math.abs(truth - replayed) <= b.skipErr(dt, replayed) + 1e-9;
      }),
    );
  });
});
