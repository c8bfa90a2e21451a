import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Rng } from './rng.js';
import { SpinPool } from './rwlock-biased.js';
import type { Thread } from './thread.js';

/** The pick and lost of a biased rwlock's spinners as first written: three scans, the draw found by counting. */
function refPick(readyAt: number[], rng: Rng, at: number): { i: number; at: number } {
  const n = readyAt.length;
  if (n === 0) return { i: -1, at };
  let ready = 0;
  let first = Number.POSITIVE_INFINITY;
  for (const r of readyAt) {
    if (r <= at) ready++;
    else if (r < first) first = r;
  }
  const when = ready > 0 ? at : first;
  let k = ready;
  if (k === 0) for (const r of readyAt) if (r === when) k++;
  let draw = k === 1 ? 0 : rng.int(0, k - 1);
  for (let i = 0; i < n; i++) {
    if (readyAt[i] > when) continue;
    if (draw === 0) return { i, at: when };
    draw--;
  }
  throw new Error('unreachable');
}

function refLost(readyAt: number[], at: number, tryCycles: number): void {
  for (let i = 0; i < readyAt.length; i++) if (readyAt[i] <= at) readyAt[i] = at + tryCycles;
}

function refRemove(readyAt: number[], i: number): void {
  readyAt[i] = readyAt[readyAt.length - 1];
  readyAt.pop();
}

describe('SpinPool', () => {
  it('pick, then loseRaced and remove, match the scans they replace (draws, winners, every readyAt)', () => {
    const step = fc.record({
      at: fc.integer({ min: 0, max: 60 }),
      add: fc.array(fc.integer({ min: 0, max: 80 }), { maxLength: 5 }),
    });
    fc.assert(
      fc.property(fc.nat(1000), fc.array(step, { minLength: 1, maxLength: 40 }), (seed, steps) => {
        const pool = new SpinPool(new Rng(seed), 'vmlist_lock');
        const twin = new SpinPool(new Rng(seed), 'vmlist_lock');
        const rng = (twin as unknown as { rng: Rng }).rng;
        const ref: number[] = [];
        for (const s of steps) {
          for (const r of s.add) {
            pool.add({} as Thread, false, r);
            ref.push(r);
          }
          const got = pool.pick(s.at);
          const want = refPick(ref, rng, s.at);
          expect(got).toEqual(want);
          if (got.i < 0) continue;
          pool.loseRaced(7);
          pool.remove(got.i);
          refRemove(ref, want.i);
          refLost(ref, want.at, 7);
          expect(pool.readyTimes()).toEqual(ref);
        }
      }),
      { numRuns: 400 },
    );
  });

  it('lost, readyOf and a reader-style sweep match plain arrays, with every-spinner races and partial ones mixed', () => {
    const op = fc.oneof(
      fc.record({ kind: fc.constant('add' as const), r: fc.integer({ min: 0, max: 80 }) }),
      fc.record({ kind: fc.constant('win' as const), at: fc.integer({ min: 0, max: 90 }) }),
      fc.record({ kind: fc.constant('lost' as const), at: fc.integer({ min: 0, max: 90 }) }),
      fc.record({ kind: fc.constant('sweep' as const), at: fc.integer({ min: 0, max: 90 }) }),
    );
    fc.assert(
      fc.property(fc.nat(1000), fc.array(op, { minLength: 1, maxLength: 60 }), (seed, ops) => {
        const pool = new SpinPool(new Rng(seed), 'vmlist_lock');
        const twin = new SpinPool(new Rng(seed), 'vmlist_lock');
        const rng = (twin as unknown as { rng: Rng }).rng;
        const ref: number[] = [];
        for (const o of ops) {
          if (o.kind === 'add') {
            pool.add({} as Thread, false, o.r);
            ref.push(o.r);
          } else if (o.kind === 'lost') {
            pool.lost(o.at, 5);
            refLost(ref, o.at, 5);
          } else if (o.kind === 'win') {
            const got = pool.pick(o.at);
            const want = refPick(ref, rng, o.at);
            expect(got).toEqual(want);
            if (got.i < 0) continue;
            pool.loseRaced(3);
            pool.remove(got.i);
            refRemove(ref, want.i);
            refLost(ref, want.at, 3);
          } else {
            // handBiased's reader win: every odd index leaves, from the top, each reading its readyAt first.
            for (let j = ref.length - 1; j >= 0; j--) {
              if (j % 2 === 0) continue;
              expect(pool.readyOf(j)).toBe(ref[j]);
              pool.remove(j);
              refRemove(ref, j);
            }
            pool.lost(o.at, 5);
            refLost(ref, o.at, 5);
          }
          expect(pool.readyTimes()).toEqual(ref);
        }
      }),
      { numRuns: 600 },
    );
  });
});
