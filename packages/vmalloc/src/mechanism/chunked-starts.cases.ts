// What the tests of the chunked start counts (start-index.test.ts, vmlist-starts.test.ts) share: starts spread over a
// bucket, its two bitmap words, the next bucket and a chunk a vmalloc space apart; and random insert/remove sequences
// checked against an IntervalSet, dense (neighbours in one bucket) and wide (across buckets and chunks).
import { fc } from '@fast-check/vitest';

/** A page well inside the x86_64 vmalloc space. */
export const SPREAD_BASE = 2 ** 33;

/** Starts at `SPREAD_BASE` + 31, + 32, + 63, + 64, + 0 and at the last page below 2^35 (another chunk). */
export const SPREAD = [31, 32, 63, 64, 0, 2 ** 35 - 1 - SPREAD_BASE].map((d) => SPREAD_BASE + d);

/** Where the random sequences' starts lie: `SEQ_AT` + 0..max. */
export const SEQ_AT = 2 ** 30 + 40;

/** Random sequences of (insert?, offset, probe offset), each up to 300 long, by span. */
export const SEQUENCES = (
  [
    ['dense', 150],
    ['wide', 3 * 2 ** 18],
  ] as const
).map(([name, max]) => {
  const op = fc.tuple(fc.boolean(), fc.integer({ min: 0, max }), fc.integer({ min: 0, max }));
  return { name, ops: fc.array(op, { maxLength: 300 }) };
});
