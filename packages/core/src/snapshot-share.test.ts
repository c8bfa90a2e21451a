import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { CycleStore, StoreGroup } from './callpath.js';
import { Engine, type Thread } from './engine.js';
import { type ProfileSnapshot, snapshotRows, snapshotStores } from './replay.js';

/** What a snapshot must hold: a fresh copy of every store's rows (nothing shared with an earlier snapshot). */
const fresh = (e: Engine): ProfileSnapshot => {
  const p = e.profiler.paths as unknown as { stores: CycleStore[]; groups: StoreGroup[] };
  return snapshotStores(p.stores, p.groups, []);
};

/** Rows as plain arrays (holes as undefined), so toEqual compares values, not which snapshot a row came from. */
const plain = (s: ProfileSnapshot) =>
  s.flat(1).map((_, k) => Array.from(snapshotRows(s, k) ?? [], (r) => (r ? [...r] : undefined)));

// A step of one thread: spend on a symbol, enter or leave a frame, yield, take a snapshot (and check it), replay
// an earlier snapshot, or spend on a thread that has finished (its store must count as changed again).
type Step =
  | { k: 'spend'; s: number; c: number }
  | { k: 'enter'; f: number }
  | { k: 'leave' }
  | { k: 'yield' }
  | { k: 'snap' }
  | { k: 'replay'; f: number; back: number }
  | { k: 'late'; who: number; s: number; c: number };

const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ k: fc.constant('spend' as const), s: fc.nat(40), c: fc.integer({ min: 1, max: 999 }) }),
  fc.record({ k: fc.constant('enter' as const), f: fc.nat(2) }),
  fc.record({ k: fc.constant('leave' as const) }),
  fc.record({ k: fc.constant('yield' as const) }),
  fc.record({ k: fc.constant('snap' as const) }),
  fc.record({ k: fc.constant('replay' as const), f: fc.integer({ min: 0, max: 5 }), back: fc.nat(3) }),
  fc.record({ k: fc.constant('late' as const), who: fc.nat(3), s: fc.nat(40), c: fc.integer({ min: 1, max: 99 }) }),
);

describe('profile snapshots share the rows of stores nothing wrote since', () => {
  it('every snapshot equals a fresh copy, through spends, frames, finished threads, late spends and replays', () => {
    fc.assert(
      fc.property(fc.array(fc.array(step, { maxLength: 25 }), { minLength: 1, maxLength: 4 }), (plans) => {
        const e = new Engine({ cpus: 4, clockHz: 1e9 });
        const syms = Array.from({ length: 41 }, (_, i) => e.sym(`s${i}`));
        const threads: Thread[] = [];
        const snaps: ProfileSnapshot[] = [];
        plans.forEach((plan, cpu) => {
          threads.push(
            e.spawn(cpu, `w/${cpu}`, function* (t) {
              let depth = 0;
              for (const o of plan) {
                if (o.k === 'spend') t.spend(syms[o.s], o.c);
                else if (o.k === 'enter') {
                  t.enter(['vmap', 'vunmap', 'purge'][o.f]);
                  depth++;
                } else if (o.k === 'leave' && depth > 0) {
                  t.leave();
                  depth--;
                } else if (o.k === 'yield') yield undefined;
                else if (o.k === 'snap') {
                  const s = e.profiler.snapshot();
                  expect(plain(s)).toEqual(plain(fresh(e)));
                  snaps.push(s);
                } else if (o.k === 'replay' && snaps.length > 0) {
                  // The sampler replays from its window's first snapshot, often older than the last one.
                  e.profiler.replay(snaps[Math.max(0, snaps.length - 1 - o.back)], o.f);
                } else if (o.k === 'late') {
                  const u = threads[o.who % threads.length];
                  if (u.state === 'done') u.spend(syms[o.s], o.c);
                }
              }
            }),
          );
        });
        e.run();
        const end = e.profiler.snapshot();
        expect(plain(end)).toEqual(plain(fresh(e)));
      }),
      { numRuns: 300 },
    );
  });

  it('a finished thread, later charged by a replay, is copied again; untouched, it is shared', () => {
    const e = new Engine({ cpus: 2, clockHz: 1e9 });
    const a = e.sym('a');
    let s1: ProfileSnapshot = [];
    let s2: ProfileSnapshot = [];
    let s3: ProfileSnapshot = [];
    e.spawn(0, 'done/0', function* (t) {
      t.spend(a, 10);
    });
    e.spawn(1, 'live/1', function* (t) {
      yield undefined;
      s1 = e.profiler.snapshot();
      s2 = e.profiler.snapshot();
      t.spend(a, 5);
      e.profiler.replay(s1, 2); // the window: live/1's 5 cycles only
      s3 = e.profiler.snapshot();
    });
    e.run();
    // Store 1 is done/0's: finished before s1, shared by s2 and s3 (the replay gave it nothing).
    expect(snapshotRows(s2, 1)).toBe(snapshotRows(s1, 1));
    expect(snapshotRows(s3, 1)).toBe(snapshotRows(s1, 1));
    // Store 2 is live/1's: held while it runs, so copied each time.
    expect(snapshotRows(s2, 2)).not.toBe(snapshotRows(s1, 2));
    expect(plain(s3)).toEqual(plain(fresh(e)));
  });
  it('a chunk of finished threads is shared whole; a late charge copies that chunk again', () => {
    const e = new Engine({ cpus: 2, clockHz: 1e9 });
    const a = e.sym('a');
    let late: Thread | null = null;
    e.spawn(0, 'boss/0', function* (t) {
      // Stores: 0 the engine's, 1 boss/0, 2 + i w/i; chunks of 32.
      for (let i = 0; i < 70; i++) {
        const w = e.spawn(1, `w/${i}`, function* (u) {
          u.spend(a, i + 1);
        });
        if (i === 40) late = w;
        while (w.state !== 'done') {
          t.spend(a, 1000);
          yield undefined;
        }
        if (i % 10 === 0) expect(plain(e.profiler.snapshot())).toEqual(plain(fresh(e)));
      }
      const s1 = e.profiler.snapshot();
      const s2 = e.profiler.snapshot();
      expect(s2[1]).toBe(s1[1]); // stores 32–63: finished, untouched
      expect(s2[0]).not.toBe(s1[0]); // boss/0 runs: copied each time
      (late as unknown as Thread).spend(a, 5); // store 42
      const s3 = e.profiler.snapshot();
      expect(s3[1]).not.toBe(s2[1]);
      expect(snapshotRows(s3, 43)).toBe(snapshotRows(s2, 43));
      expect(snapshotRows(s3, 42)).not.toBe(snapshotRows(s2, 42));
      expect(s3[2]).toBe(s2[2]);
      expect(snapshotRows(s3, 5)).toBe(snapshotRows(s2, 5));
      expect(plain(s3)).toEqual(plain(fresh(e)));
    });
    e.run();
  });
});
