import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RunQueue, type RunQueueTuning } from './heap.js';

// A reference run queue: a list kept in (key, insertion sequence) order.
class ListQueue {
  private items: { id: number; key: number; seq: number }[] = [];
  private nextSeq = 0;
  lastKey = 0;
  get size(): number {
    return this.items.length;
  }
  push(id: number, key: number): void {
    this.items.push({ id, key, seq: this.nextSeq++ });
    this.items.sort((a, b) => a.key - b.key || a.seq - b.seq);
  }
  pop(): number {
    const e = this.items.shift() as { id: number; key: number };
    this.lastKey = e.key;
    return e.id;
  }
  pushPop(id: number, key: number): number {
    this.push(id, key);
    return this.pop();
  }
  peekKey(): number {
    return this.items.length === 0 ? Number.POSITIVE_INFINITY : this.items[0].key;
  }
}

// Operations: push (key), pop, pushPop (key); pushes weigh more so the heap grows several levels deep, and few
// distinct keys make ties (broken by sequence) common, between siblings too.
const key = fc.integer({ min: 0, max: 6 });
const op = fc.oneof(
  { weight: 3, arbitrary: fc.record({ k: fc.constant('push' as const), key }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('pop' as const), key: fc.constant(0) }) },
  { weight: 3, arbitrary: fc.record({ k: fc.constant('pushPop' as const), key }) },
);

// Tunings that switch layouts every few operations (a tiny window and probe), or never leave the ring, or never
// stay in it: the order must not depend on the layout.
const TUNINGS: [string, RunQueueTuning | undefined][] = [
  ['default', undefined],
  ['switching', { window: 3, limit: 0.2, probe: 5, probeMax: 40 }],
  ['ring only', { window: 4, limit: 1e9, probe: 1, probeMax: 1 }],
  ['heap at once', { window: 1, limit: 0, probe: 1e9, probeMax: 1e9 }],
];

/** Runs `ops` on a RunQueue with `tune` and the reference list, comparing every result. */
function check(ops: { k: 'push' | 'pop' | 'pushPop'; key: number }[], tune: RunQueueTuning | undefined): RunQueue {
  const q = new RunQueue(2, tune);
  const r = new ListQueue();
  let id = 0;
  for (const o of ops) {
    if (o.k === 'push') {
      q.push(id, o.key);
      r.push(id++, o.key);
    } else if (o.k === 'pop') {
      if (r.size === 0) continue;
      expect(q.pop()).toBe(r.pop());
      expect(q.lastKey).toBe(r.lastKey);
    } else {
      expect(q.pushPop(id, o.key)).toBe(r.pushPop(id++, o.key));
      expect(q.lastKey).toBe(r.lastKey);
    }
    expect(q.size).toBe(r.size);
    expect(q.peekKey()).toBe(r.peekKey());
  }
  return q;
}

describe('RunQueue', () => {
  for (const [name, tune] of TUNINGS) {
    it(`pops the same ids and keys as a list sorted by (key, insertion order) (${name})`, () => {
      fc.assert(
        fc.property(fc.array(op, { maxLength: 400 }), (ops) => {
          check(ops, tune);
        }),
        { numRuns: 300 },
      );
    });
  }

  it('stays a sorted ring while threads go back behind the others, and turns into a heap when they land mid-queue', () => {
    // 64 threads in lock step: each goes back with the latest clock (the ring moves nothing).
    const inStep: { k: 'push' | 'pushPop'; key: number }[] = [];
    for (let i = 0; i < 64; i++) inStep.push({ k: 'push', key: i });
    for (let i = 64; i < 5000; i++) inStep.push({ k: 'pushPop', key: i });
    expect(check(inStep, undefined).isSorted).toBe(true);
    // Each goes back anywhere in the spread of the others' clocks (6.9's pattern): ~15 moves an insert, above 2 per
    // level of a 64-entry heap (12).
    const midQueue = inStep.map((o, i) => (o.k === 'push' ? o : { k: o.k, key: i + ((i * 37) % 256) }));
    const q = check(midQueue, undefined);
    expect(q.isSorted).toBe(false);
  });
});
