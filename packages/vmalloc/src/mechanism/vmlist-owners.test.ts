import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { VmlistOwners } from './vmlist-owners.js';

describe('VmlistOwners', () => {
  it('counts an owner’s areas below an address and gives a removed area’s owner', () => {
    const o = new VmlistOwners(2);
    o.add(2 ** 29 + 10, 0);
    o.add(2 ** 29 + 200, 1);
    o.add(2 ** 29 + 300, 0);
    o.add(2 ** 29 + 5, -1);
    expect(o.below(0, 2 ** 29 + 301)).toBe(2);
    expect(o.below(0, 2 ** 29 + 300)).toBe(1);
    expect(o.below(1, 2 ** 29 + 300)).toBe(1);
    expect(o.below(-1, 2 ** 29 + 300)).toBe(0);
    expect(o.remove(2 ** 29 + 10)).toBe(0);
    expect(o.remove(2 ** 29 + 5)).toBe(-1);
    expect(o.below(0, 2 ** 29 + 301)).toBe(1);
  });

  it('counts across areas a whole vmalloc space apart (chunks made as areas reach them)', () => {
    const o = new VmlistOwners(2);
    const top = 2 ** 35 - 64;
    o.add(2 ** 29, 0);
    o.add(top, 0);
    o.add(2 ** 32 + 7, 1);
    expect(o.below(0, top)).toBe(1);
    expect(o.below(0, top + 1)).toBe(2);
    expect(o.below(1, top)).toBe(1);
    expect(o.below(1, 2 ** 32 + 7)).toBe(0);
    expect(o.remove(top)).toBe(0);
    expect(o.below(0, 2 ** 36)).toBe(1);
  });

  test.prop([
    fc.array(fc.tuple(fc.integer({ min: 0, max: 400_000 }), fc.integer({ min: -1, max: 3 }), fc.boolean()), {
      maxLength: 300,
    }),
    fc.array(fc.integer({ min: 0, max: 400_001 }), { maxLength: 20 }),
    fc.constantFrom(1, 37, 4_099),
  ])('agrees with a count over the live areas, whatever the order the span grows in', (ops, probes, stride) => {
    const o = new VmlistOwners(4);
    const live = new Map<number, number>();
    for (const [v, owner, del] of ops) {
      const vpn = 2 ** 29 + v * stride;
      if (del && live.has(vpn)) {
        expect(o.remove(vpn)).toBe(live.get(vpn));
        live.delete(vpn);
      } else if (!live.has(vpn)) {
        o.add(vpn, owner);
        if (owner >= 0) live.set(vpn, owner);
      }
    }
    for (const p of probes)
      for (let c = 0; c < 4; c++) {
        let n = 0;
        for (const [v, w] of live) if (w === c && v < 2 ** 29 + p * stride) n++;
        expect(o.below(c, 2 ** 29 + p * stride)).toBe(n);
      }
  });
});
