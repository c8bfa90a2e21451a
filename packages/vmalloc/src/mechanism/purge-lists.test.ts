import { x86_64 } from '@kmemsim/arch-x86_64';
import { Machine } from '@kmemsim/mmu';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LazyBatch } from './lazy-queue.js';
import { VmapNodes } from './nodes.js';
import { mechanismParams } from './params.js';
import { NodeLists, VpnList } from './purge-lists.js';

const nodesOf = (cpus: number) => new VmapNodes(new Machine({ arch: x86_64, cpus }), mechanismParams());

describe('NodeLists.split', () => {
  it('gives each node its areas (home, else address node) in queue order, as a list per node did', () => {
    const nodes = nodesOf(8);
    const area = fc.record({
      vpn: fc.integer({ min: 0, max: 1 << 20 }),
      len: fc.integer({ min: 1, max: 300 }),
      home: fc.integer({ min: -1, max: 7 }),
    });
    const lists = new NodeLists(nodes.count);
    fc.assert(
      fc.property(fc.array(area, { maxLength: 300 }), (areas) => {
        const b = new LazyBatch();
        for (const a of areas) b.push(a.vpn, a.len, 0, a.home);
        lists.split(b, nodes);
        for (let n = 0; n < nodes.count; n++) {
          const want = areas.filter((a) => (a.home >= 0 ? a.home : nodes.of(a.vpn)) === n);
          const got = [];
          for (let j = lists.from[n]; j < lists.from[n + 1]; j++) {
            got.push({ vpn: lists.vpn[j], len: lists.len[j], home: lists.home[j] });
          }
          expect(got).toEqual(want);
          expect(lists.size(n)).toBe(want.length);
        }
      }),
    );
  });
});

describe('VpnList', () => {
  it('keeps every pushed start in order past its first room', () => {
    const l = new VpnList();
    for (let i = 0; i < 200; i++) l.push(3 * i);
    expect(l.n).toBe(200);
    expect(Array.from(l.a.subarray(0, l.n))).toEqual(Array.from({ length: 200 }, (_, i) => 3 * i));
  });
});

describe('6.9 pools (node_pool_del_va)', () => {
  it('takes the newest; a misaligned head moves to the tail of the list (list_move_tail), the oldest end', () => {
    const nodes = nodesOf(2);
    for (let v = 1; v <= 5; v++) nodes.put(1, 1, v);
    expect(nodes.take(1, 1, 1)).toBe(5);
    expect(nodes.take(1, 1, 2)).toBe(4);
    expect(nodes.take(1, 1, 2)).toBe(-1);
    const left: number[] = [];
    nodes.forEachPooled((v) => left.push(v));
    expect(left).toEqual([3, 1, 2]);
    expect(nodes.has(1, 1)).toBe(true);
    expect(nodes.has(0, 1)).toBe(false);
  });

  it('decays the sizes of a node in the order they were first filled', () => {
    const nodes = nodesOf(2);
    nodes.put(0, 3, 30);
    nodes.put(0, 1, 10);
    nodes.put(0, 3, 31);
    const out: [number, number][] = [];
    nodes.decay(true, (vpn, size) => out.push([vpn, size]));
    expect(out).toEqual([
      [31, 3],
      [30, 3],
      [10, 1],
    ]);
    expect(nodes.pooledPages()).toBe(0);
  });
});
