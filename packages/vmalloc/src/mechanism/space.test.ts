import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { VmSpace } from './space.js';

describe('VmSpace', () => {
  it('reserves lowest fit first, aligned, and reports the split case', () => {
    const s = new VmSpace(1000, 100);
    const take = (size: number, align = 1) => {
      const at = s.reserve(size, align);
      return { at, below: at < 0 ? -1 : s.busyBelow(at), split: s.lastSplit };
    };
    expect(take(10)).toEqual({ at: 1000, below: 0, split: 'left-edge' });
    expect(take(5, 8)).toEqual({ at: 1016, below: 1, split: 'no-edge' });
    expect(take(6)).toEqual({ at: 1010, below: 1, split: 'fit' });
    expect(take(79)).toEqual({ at: 1021, below: 3, split: 'fit' });
    expect(s.reserve(1)).toBe(-1);
  });

  it('merges a released area with both neighbours', () => {
    const s = new VmSpace(0, 30);
    s.reserve(10);
    s.reserve(10);
    s.reserve(10);
    expect(s.release(0)).toBe(10);
    expect(s.lastMerged).toBe(0);
    s.release(20);
    expect(s.lastMerged).toBe(0);
    s.release(10);
    expect(s.lastMerged).toBe(2);
    expect(s.free.toArray()).toEqual([[0, 30]]);
    expect(() => s.release(10)).toThrow(/no busy vmap area/);
  });

  it('releases a batch: adjacent areas merge as one run, and a missing area throws', () => {
    const s = new VmSpace(0, 40);
    for (let i = 0; i < 4; i++) s.reserve(10);
    s.releaseAll([20, 0, 10]);
    expect(s.free.toArray()).toEqual([[0, 30]]);
    expect(s.busy.toArray()).toEqual([[30, 40]]);
    expect(s.busyPages).toBe(10);
    expect(() => s.releaseAll([30, 5])).toThrow(/no busy vmap area at page 5/);
  });

  test.prop(
    [
      fc.array(fc.integer({ min: 1, max: 12 }), { minLength: 1, maxLength: 40 }),
      fc.array(fc.boolean(), { maxLength: 40 }),
      fc.array(fc.boolean(), { maxLength: 40 }),
    ],
    { numRuns: 300 },
  )('releaseAll leaves the same busy and free sets as one release per area', (sizes, gone, batch) => {
    const one = new VmSpace(100, 400);
    const all = new VmSpace(100, 400);
    const live: number[] = [];
    for (const size of sizes) {
      const at = one.reserve(size);
      expect(all.reserve(size)).toBe(at);
      if (at >= 0) live.push(at);
    }
    // Some areas freed first (holes between the batch's runs), then the batch in reverse (any order will do).
    const first = live.filter((_, i) => gone[i]);
    for (const at of first) {
      one.release(at);
      all.release(at);
    }
    const rest = live.filter((_, i) => !gone[i] && batch[i]).reverse();
    for (const at of rest) one.release(at);
    all.releaseAll(rest);
    expect(all.busy.toArray()).toEqual(one.busy.toArray());
    expect(all.free.toArray()).toEqual(one.free.toArray());
    expect(all.busyPages).toBe(one.busyPages);
  });

  test.prop([fc.array(fc.tuple(fc.boolean(), fc.integer({ min: 1, max: 40 }), fc.integer({ min: 0, max: 3 })))], {
    numRuns: 300,
  })('busy and free always partition the range, and fits are lowest (against a page array)', (ops) => {
    const s = new VmSpace(64, 256);
    const used = new Uint8Array(256);
    const live: number[] = [];
    for (const [doAlloc, size, alignLog] of ops) {
      if (doAlloc || live.length === 0) {
        const align = 1 << alignLog;
        let expectAt = -1;
        for (let a = 64; a + size <= 320; a += align) {
          let ok = true;
          for (let i = a; i < a + size; i++) if (used[i - 64]) ok = false;
          if (ok) {
            expectAt = a;
            break;
          }
        }
        const at = s.reserve(size, align);
        expect(at).toBe(expectAt);
        if (at >= 0) {
          used.fill(1, at - 64, at + size - 64);
          live.push(at);
        }
      } else {
        const at = live.splice(size % live.length, 1)[0];
        const end = s.release(at);
        used.fill(0, at - 64, end - 64);
      }
      const pages = [...s.busy.toArray(), ...s.free.toArray()].reduce((n, [a, b]) => n + b - a, 0);
      expect(pages).toBe(256);
    }
  });
});
