import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CycleHistory } from './sampler-history.js';

/** The columns as a shift per cycle kept them (sampler-loop.ts before s32). */
function shifted(keep: number, cycles: number[][]): number[][] {
  const cols: number[][] = [[], [], [], []];
  for (const c of cycles) {
    for (let j = 0; j < 4; j++) cols[j].push(c[j]);
    if (cols[0].length > keep) for (const col of cols) col.shift();
  }
  return cols;
}

const read = (h: CycleHistory): number[][] => [[...h.y], [...h.n], [...h.ys], [...h.yu]];

describe('CycleHistory (a thread’s last `keep` cycles)', () => {
  it('reads as the last 4 of 11 cycles, oldest first, in every column', () => {
    const h = new CycleHistory(4);
    for (let i = 1; i <= 11; i++) h.push(i, 10 * i, 100 * i, 1_000 * i);
    expect(h.y).toEqual([8, 9, 10, 11]);
    expect(h.n).toEqual([80, 90, 100, 110]);
    expect(h.ys).toEqual([800, 900, 1_000, 1_100]);
    expect(h.yu).toEqual([8_000, 9_000, 10_000, 11_000]);
  });

  it('holds fewer than `keep` as they came, and nothing after clear', () => {
    const h = new CycleHistory(64);
    h.push(3, 1, 2, 1);
    h.push(5, 2, 4, 1);
    expect(read(h)).toEqual([
      [3, 5],
      [1, 2],
      [2, 4],
      [1, 1],
    ]);
    h.clear();
    expect(read(h)).toEqual([[], [], [], []]);
    h.push(7, 1, 7, 0);
    expect(h.y).toEqual([7]);
  });

  it('agrees with a shift per cycle, read after any number of pushes and clears', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 9 }),
        fc.array(fc.oneof(fc.tuple(fc.nat(), fc.nat(), fc.nat(), fc.nat()), fc.constant(null)), { maxLength: 80 }),
        (keep, ops) => {
          const h = new CycleHistory(keep);
          let since: number[][] = [];
          for (const op of ops) {
            if (op === null) {
              h.clear();
              since = [];
            } else {
              h.push(op[0], op[1], op[2], op[3]);
              since.push(op);
            }
            expect(read(h)).toEqual(shifted(keep, since));
          }
        },
      ),
    );
  });
});
