import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { CycleStore } from './callpath.js';
import { Engine } from './engine.js';
import { HeldCopy, RunCopy, SnapSlab, snapshotRows } from './replay.js';

describe('snapshot slabs and run copies', () => {
  it('a slab hands out consecutive slices, then a new buffer twice as large (from 1,024 up to 65,536 entries)', () => {
    const s = new SnapSlab();
    expect(s.take(1000)).toBe(0);
    const first = s.buf;
    expect(first.length).toBe(1024);
    expect(s.take(24)).toBe(1000);
    expect(s.take(1)).toBe(0); // full: a new buffer; the old one is left as it was
    expect(s.buf).not.toBe(first);
    expect(s.buf.length).toBe(2048);
    for (let i = 0; i < 10; i++) s.take(40000);
    expect(s.buf.length).toBe(65536);
    expect(s.take(70000)).toBe(0); // larger than a slab: a buffer of its own size
    expect(s.buf.length).toBe(70000);
  });

  it('a run copy equals an element-by-element copy, for adjacent, scattered, short and long ranges', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ gap: fc.oneof(fc.constant(0), fc.nat(50)), len: fc.integer({ min: 1, max: 150 }) }), {
          maxLength: 30,
        }),
        fc.nat(20),
        (ranges, at) => {
          const src = Float64Array.from({ length: 10000 }, (_, i) => i + 0.5);
          const dst = new Float64Array(6000).fill(-1);
          const want = new Float64Array(6000).fill(-1);
          const run = new RunCopy();
          run.begin(src, dst, at);
          let off = 3;
          let p = at;
          for (const { gap, len } of ranges) {
            off += gap;
            run.add(off, len);
            for (let i = 0; i < len; i++) want[p + i] = src[off + i];
            p += len;
            off += len;
          }
          run.flush();
          // The first index that differs (toEqual over 6,000 elements × 200 runs took 30 s on a loaded machine).
          expect(dst.findIndex((v, i) => !Object.is(v, want[i]))).toBe(-1);
        },
      ),
      { numRuns: 200 },
    );
  });

  it("64 running threads' rows are one slice of one buffer, and a later snapshot leaves an earlier one as it was", () => {
    const e = new Engine({ cpus: 64, clockHz: 1e9 });
    const sym = e.sym('work');
    const snaps: ReturnType<typeof e.profiler.snapshot>[] = [];
    for (let c = 0; c < 64; c++)
      e.spawn(c, `w/${c}`, function* (t) {
        t.spend(sym, 1000 - c); // w/63 is the first to resume: every first spend is in before it snapshots
        yield undefined;
        if (c === 63) snaps.push(e.profiler.snapshot());
        t.spend(sym, 1000);
        yield undefined;
        if (c === 63) snaps.push(e.profiler.snapshot());
        t.spend(sym, 1000);
        yield undefined;
        if (c === 63) snaps.push(e.profiler.snapshot());
      });
    e.run();
    const [a, b, c] = snaps;
    const held = (s: typeof a, k: number) => s[k >> 5][k & 31] as HeldCopy;
    // Stores 1 … 64 are the threads' (store 0 is the engine's): each a 32-entry row at 32 × (k − 1) past the first.
    expect(held(a, 1)).toBeInstanceOf(HeldCopy);
    expect(held(a, 64).buf).toBe(held(a, 1).buf);
    expect(held(a, 64).at - held(a, 1).at).toBe(63 * 32);
    // The first slab fits one snapshot's 2,048 entries; the next is twice as large and takes the next two.
    expect(held(a, 1).buf.length).toBe(2048);
    expect([held(b, 1).buf.length, held(b, 1).at]).toEqual([4096, 0]);
    expect(held(c, 1).buf).toBe(held(b, 1).buf);
    expect(held(c, 1).at).toBe(2048);
    for (let k = 1; k <= 64; k++) {
      expect(snapshotRows(a, k)?.[1]?.[sym]).toBe(1000 - (k - 1));
      expect(snapshotRows(b, k)?.[1]?.[sym]).toBe(2000 - (k - 1));
      expect(snapshotRows(c, k)?.[1]?.[sym]).toBe(3000 - (k - 1));
    }
  });
});

describe('CycleStore.copyRowsInto without a copier', () => {
  it('copies the rows completely on return, packed in node order', () => {
    const e = new Engine({ cpus: 1, clockHz: 1e9 });
    const a = e.sym('a');
    const b = e.sym('b');
    e.spawn(0, 'w/0', function* (t) {
      t.spend(a, 5);
      t.enter('vmap');
      t.spend(b, 7);
      t.leave();
      yield undefined;
    });
    e.run();
    const store = (e.profiler.paths as unknown as { stores: CycleStore[] }).stores[1];
    const dst = new Float64Array(store.entries + 3).fill(-1);
    const c = store.copyRowsInto(dst, 3);
    const rows = c.rows();
    expect([rows[1]?.[a], rows[2]?.[b], dst[0]]).toEqual([5, 7, -1]);
    expect(dst.subarray(3).every((x) => x >= 0)).toBe(true);
  });
});
