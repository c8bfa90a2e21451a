import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { VmSpace } from './space.js';

describe('VmSpace', () => {
  it('reserves lowest fit first, aligned, and reports the split case', () => {
    const s = new VmSpace(1000, 100);
    expect(s.reserve(10)).toMatchObject({ start: 1000, end: 1010, busyBelow: 0, split: 'left-edge' });
    expect(s.reserve(5, 8)).toMatchObject({ start: 1016, end: 1021, busyBelow: 1, split: 'no-edge' });
    expect(s.reserve(6)).toMatchObject({ start: 1010, end: 1016, busyBelow: 1, split: 'fit' });
    expect(s.reserve(79)).toMatchObject({ start: 1021, end: 1100, split: 'fit', busyBelow: 3 });
    expect(s.reserve(1)).toBeNull();
  });

  it('merges a released area with both neighbours', () => {
    const s = new VmSpace(0, 30);
    s.reserve(10);
    s.reserve(10);
    s.reserve(10);
    expect(s.release(0).merged).toBe(0);
    expect(s.release(20).merged).toBe(0);
    expect(s.release(10).merged).toBe(2);
    expect(s.free.toArray()).toEqual([[0, 30]]);
    expect(() => s.release(10)).toThrow(/no busy vmap area/);
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
        const r = s.reserve(size, align);
        expect(r?.start ?? -1).toBe(expectAt);
        if (r !== null) {
          used.fill(1, r.start - 64, r.end - 64);
          live.push(r.start);
        }
      } else {
        const at = live.splice(size % live.length, 1)[0];
        const { end } = s.release(at);
        used.fill(0, at - 64, end - 64);
      }
      const pages = [...s.busy.toArray(), ...s.free.toArray()].reduce((n, [a, b]) => n + b - a, 0);
      expect(pages).toBe(256);
    }
  });
});
