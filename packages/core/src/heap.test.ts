import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RunQueue } from './heap.js';

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

describe('RunQueue', () => {
  it('pops the same ids and keys as a list sorted by (key, insertion order)', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 400 }), (ops) => {
        const q = new RunQueue(2);
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
      }),
      { numRuns: 300 },
    );
  });
});
