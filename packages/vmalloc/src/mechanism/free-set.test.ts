import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { FreeSet } from './free-set.js';
import { IntervalSet } from './intervals.js';

/** The plain operations takeFit and mergeIn replace (VmSpace.reserve / freeRun before them). */
function plainTake(f: IntervalSet, need: number, align: number, lo: number, hi: number, pad: number): number {
  const c = f.lowestFit(need, align, lo, hi, pad, 0);
  if (c < 0) return -1;
  const at = f.fitAt;
  const fs = f.startAt(c);
  const fe = f.endAt(c);
  if (at > fs && at + need < fe) {
    f.resize(fs, fs, at);
    f.insert(at + need, fe);
  } else if (at > fs) f.resize(fs, fs, at);
  else if (at + need < fe) f.resize(fs, at + need, fe);
  else f.remove(fs);
  return at;
}

function plainMerge(f: IntervalSet, start: number, end: number): void {
  const p = f.floor(start - 1);
  const prev = p >= 0 && f.endAt(p) === start;
  const n = f.ceil(end);
  const next = n >= 0 && f.startAt(n) === end;
  const ps = prev ? f.startAt(p) : -1;
  if (prev && next) {
    const e = f.endAt(n);
    f.remove(end);
    f.resize(ps, ps, e);
  } else if (prev) f.resize(ps, ps, end);
  else if (next) f.resize(end, start, f.endAt(n));
  else f.insert(start, end);
}

/** takeFit / mergeIn, falling back to the plain operations where they changed nothing (as VmSpace does). */
function take(f: FreeSet, need: number, align: number, lo: number, hi: number, pad: number): number {
  const at = f.takeFit(need, align, lo, hi, pad, 0);
  if (at < 0 || f.applied) return at;
  const fs = f.fitStart;
  const fe = f.fitEnd;
  if (at > fs && at + need < fe) {
    f.resize(fs, fs, at);
    f.insert(at + need, fe);
  } else if (at > fs) f.resize(fs, fs, at);
  else if (at + need < fe) f.resize(fs, at + need, fe);
  else f.remove(fs);
  return at;
}

function merge(f: FreeSet, start: number, end: number): void {
  f.mergeIn(start, end);
  if (!f.applied) plainMerge(f, start, end);
}

/** Frees up to `n` busy ranges, each picked by `next()`, from both the set under test and the plain one. */
function freeSome(f: FreeSet, g: IntervalSet, busy: [number, number][], n: number, next: () => number): void {
  for (let i = 0; i < n && busy.length > 0; i++) {
    const x = next() % busy.length;
    const [s, e] = busy[x];
    busy[x] = busy[busy.length - 1];
    busy.pop();
    merge(f, s, e);
    plainMerge(g, s, e);
  }
}

describe('FreeSet', () => {
  it('merges within a leaf, and leaves a merge with the next leaf to the caller', () => {
    const f = new FreeSet();
    f.insert(0, 10);
    f.insert(20, 30);
    f.insert(40, 50);
    expect(f.mergeIn(10, 20)).toBe(2);
    expect(f.applied).toBe(true);
    expect(f.mergeIn(50, 60)).toBe(1);
    expect(f.applied).toBe(true);
    expect(f.toArray()).toEqual([
      [0, 30],
      [40, 60],
    ]);
    expect(f.takeFit(5, 1, 0, 100)).toBe(0);
    expect([f.fitStart, f.fitEnd, f.applied]).toEqual([0, 30, true]);
    expect(f.toArray()[0]).toEqual([5, 30]);
    // Full leaves of 64 (appended in order): [630, 635) ends the first, [640, 645) begins the second.
    const g = new FreeSet();
    for (let i = 0; i < 200; i++) g.insert(10 * i, 10 * i + 5);
    g.mergeIn(635, 640);
    expect(g.applied).toBe(false);
    g.mergeIn(625, 630);
    expect(g.applied).toBe(true);
    expect(g.toArray().slice(62, 65)).toEqual([
      [620, 635],
      [640, 645],
      [650, 655],
    ]);
  });

  // Thousands of areas (a tree of three levels), reserved lowest-fit with random sizes, alignments, windows and
  // pads, and released in random order: the same sets, sizes, largest lengths and fits as the plain operations.
  test.prop(
    [
      fc.array(fc.integer({ min: 0, max: 2 ** 31 - 1 }), { minLength: 1200, maxLength: 1200 }),
      fc.integer({ min: 1, max: 6 }),
    ],
    { numRuns: 12 },
  )('keeps the sets and summaries of the plain operations', (draws, spread) => {
    const f = new FreeSet();
    const g = new IntervalSet();
    f.insert(0, 400_000);
    g.insert(0, 400_000);
    const busy: [number, number][] = [];
    let r = 0;
    const next = () => draws[r++ % draws.length];
    for (let round = 0; round < 6; round++) {
      for (let i = 0; i < 1500; i++) {
        const need = 1 + (next() % (3 * spread));
        const align = next() % 4 === 0 ? 4 : 1;
        const lo = next() % 8 === 0 ? next() % 200_000 : 0;
        const pad = next() % 16 === 0 ? 1 : 0;
        const at = take(f, need, align, lo, 400_000, pad);
        expect(at).toBe(plainTake(g, need, align, lo, 400_000, pad));
        if (at >= 0) busy.push([at, at + need]);
      }
      freeSome(f, g, busy, 1200, next);
      expect(f.size).toBe(g.size);
      expect(f.toArray()).toEqual(g.toArray());
      for (const [lo, hi] of [
        [0, 400_000],
        [1000, 90_000],
        [123_456, 300_000],
      ])
        expect(f.maxLenIn(lo, hi)).toBe(g.maxLenIn(lo, hi));
    }
  });

  // Thousands of 1-page holes low in the range (dust: takeFit's scan starts past the inner slots holding only them),
  // then requests of 2+ pages, and releases that merge dust into longer blocks again (the scan must see them).
  test.prop([fc.array(fc.integer({ min: 0, max: 2 ** 31 - 1 }), { minLength: 800, maxLength: 800 })], {
    numRuns: 10,
  })('finds the same lowest fits past dust as the plain operations', (draws) => {
    const f = new FreeSet();
    const g = new IntervalSet();
    f.insert(0, 200_000);
    g.insert(0, 200_000);
    const ones: number[] = [];
    const busy: [number, number][] = [];
    // Areas of 1 and 2 pages alternately; freeing the 1-page ones leaves 1-page holes between busy 2-page ones.
    for (let i = 0; i < 6000; i++) {
      const need = i % 2 === 0 ? 1 : 2;
      const at = take(f, need, 1, 0, 200_000, 0);
      expect(at).toBe(plainTake(g, need, 1, 0, 200_000, 0));
      if (need === 1) ones.push(at);
      else busy.push([at, at + 2]);
    }
    for (const at of ones) {
      merge(f, at, at + 1);
      plainMerge(g, at, at + 1);
    }
    // One fit past the dust (the scan keeps where the dust ends), then one 2-page area freed between two holes
    // (merged in its leaf): the next fit must come back to that 4-page block, not start past it.
    for (const x of [50, 700, 1500, 2200, 2900]) {
      expect(take(f, 2, 1, 0, 200_000, 0)).toBe(plainTake(g, 2, 1, 0, 200_000, 0));
      const [s, e] = busy[x];
      merge(f, s, e);
      plainMerge(g, s, e);
      const at = take(f, 2, 1, 0, 200_000, 0);
      expect(at).toBe(plainTake(g, 2, 1, 0, 200_000, 0));
      expect(at).toBe(s - 1);
      busy[x] = [at, at + 2];
    }
    let r = 0;
    const next = () => draws[r++ % draws.length];
    for (let round = 0; round < 8; round++) {
      for (let i = 0; i < 300; i++) {
        const need = 2 + (next() % 4);
        const at = take(f, need, 1, 0, 200_000, 0);
        expect(at).toBe(plainTake(g, need, 1, 0, 200_000, 0));
        if (at >= 0) busy.push([at, at + need]);
      }
      freeSome(f, g, busy, 250, next);
      expect(f.toArray()).toEqual(g.toArray());
    }
  });
});
