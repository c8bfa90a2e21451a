import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AreaTable } from './areas.js';

// A sequence of adds (true) and removes of the oldest live area (false), on a table reserved or not.
function play(ops: boolean[], reserveAt: number, n: number): string {
  const a = new AreaTable();
  const live: number[] = [];
  const out: number[] = [];
  ops.forEach((add, i) => {
    if (i === reserveAt) a.reserve(n);
    if (add || live.length === 0) {
      const id = a.add(i * 8, 1 + (i % 5), 2 + (i % 5), -1, i % 3);
      live.push(id);
      out.push(id);
    } else a.remove(live.shift() as number);
  });
  for (const id of live) out.push(a.vpn[id], a.pages[id], a.reserved[id], a.home[id], a.gen[id], a.flags[id]);
  out.push(a.live);
  return out.join(',');
}

describe('AreaTable.reserve', () => {
  it('changes no handle, generation or field: the same table as without it', () => {
    fc.assert(
      fc.property(
        fc.array(fc.boolean(), { minLength: 1, maxLength: 300 }),
        fc.nat(300),
        fc.integer({ min: 1, max: 1000 }),
        (ops, at, n) => {
          expect(play(ops, at, n)).toBe(play(ops, -1, 0));
        },
      ),
    );
  });
});
