import { describe, expect, it } from 'vitest';
import { ChainStore } from './chains.js';
import { CHAIN_ERAS, nrpte } from './eras.js';
import { RmapLockError, RmapLocks } from './locks.js';

/** A chain store whose memory accesses and node allocations are recorded; nodes live at 1000, 1100, … */
function store(o: { slots: number; multi: boolean; direct: boolean; collapse: boolean }) {
  const log: string[] = [];
  let next = 1000;
  const freed: number[] = [];
  const c = new ChainStore(
    o.slots,
    o.multi,
    o.direct,
    o.collapse,
    4,
    4,
    { rd: (a) => log.push(`r${a}`), wr: (a) => log.push(`w${a}`) },
    {
      alloc: () => {
        const a = freed.pop() ?? next;
        if (a === next) next += 100;
        log.push(`alloc${a}`);
        return a;
      },
      free: (a) => {
        freed.push(a);
        log.push(`free${a}`);
      },
    },
  );
  return { c, log, freed };
}

describe('multi-pointer chains (2.5.35+), NRPTE 3', () => {
  const multi = () => store({ slots: 3, multi: true, direct: false, collapse: false });

  it('fills the head from its last slot and grows a new head when full', () => {
    const { c, log } = multi();
    for (const p of [10, 11, 12, 13]) c.insert(0, p);
    // Head (newest node) holds 13 in its last slot; the older node is full: 12, 11, 10.
    expect(c.entries(0)).toEqual([13, 12, 11, 10]);
    expect(c.nodesInUse).toBe(2);
    // Node 1000: next word, then slots at +4, +8, +12 filled from the last.
    expect(log.slice(0, 6)).toEqual(['alloc1000', 'w1000', 'w1012', 'r1000', 'w1008', 'r1000']);
    expect(c.checkPage(0)).toEqual([]);
  });

  it('remove moves the head first entry into the hole and frees an empty head; no collapse on remove', () => {
    const { c, log } = multi();
    for (const p of [10, 11, 12, 13]) c.insert(0, p);
    log.length = 0;
    expect(c.remove(0, 11)).toBe(true);
    // Walk head (1100) then 1000, find 11 in slot 1 of 1000; 13 from the head fills it; the head is freed.
    expect(log).toEqual(['r1100', 'r1000', 'w1008', 'w1100', 'free1100']);
    expect(c.entries(0)).toEqual([12, 13, 10]);
    expect(c.work.slotsScanned).toBe(3);
    expect(c.remove(0, 99)).toBe(false);
    for (const p of [12, 13]) c.remove(0, p);
    expect(c.entries(0)).toEqual([10]);
    expect(c.nodesInUse).toBe(1); // a one-entry chain stays a chain
  });

  it('PageDirect: the second mapping makes a chain of one node; page_referenced collapses it back', () => {
    const s = store({ slots: 3, multi: true, direct: true, collapse: CHAIN_ERAS.multi.collapseOnRemove });
    const { c } = s;
    c.insert(5, 100);
    expect(c.direct[5]).toBe(1);
    expect(c.nodesInUse).toBe(0);
    c.insert(5, 101);
    expect(c.direct[5]).toBe(0);
    expect(c.entries(5)).toEqual([101, 100]); // old → slot NRPTE−1, new → NRPTE−2
    expect(c.nodesInUse).toBe(1);
    c.remove(5, 101);
    expect(c.direct[5]).toBe(0);
    expect(c.checkPage(5)).toEqual([]);
    expect(c.collapseIfSingle(5)).toBe(true);
    expect(c.direct[5]).toBe(1);
    expect(c.entries(5)).toEqual([100]);
    expect(c.nodesInUse).toBe(0);
  });
});

describe('single-pointer chains (2.4 rmap, 2.5.27–2.5.34)', () => {
  const single = (direct = false) =>
    store({ slots: 1, multi: false, direct, collapse: CHAIN_ERAS.pte_chain.collapseOnRemove });

  it('a node per mapping, new ones in front; remove unlinks the node it finds', () => {
    const { c, log } = single();
    for (let p = 0; p < 3; p++) c.insert(1, p);
    expect(c.entries(1)).toEqual([2, 1, 0]);
    expect(c.nodesInUse).toBe(3);
    log.length = 0;
    c.remove(1, 1);
    // Read 1200 (holds 2), read 1100 (holds 1): unlink by writing the previous node, free 1100.
    expect(log).toEqual(['r1200', 'r1100', 'w1200', 'free1100']);
    expect(c.entries(1)).toEqual([2, 0]);
    c.remove(1, 2);
    c.remove(1, 0);
    expect(c.nodesInUse).toBe(0);
    expect(c.allocs).toBe(3);
    expect(c.frees).toBe(3);
  });

  it('PageDirect: two allocations to leave direct; a chain left with one entry collapses on remove', () => {
    const { c } = single(true);
    c.insert(5, 100);
    c.insert(5, 101);
    expect(c.nodesInUse).toBe(2);
    expect(c.work.toChain).toBe(1);
    c.remove(5, 101);
    expect(c.direct[5]).toBe(1);
    expect(c.entries(5)).toEqual([100]);
    expect(c.nodesInUse).toBe(0);
    expect(c.remove(5, 100)).toBe(true);
    expect(c.count(5)).toBe(0);
  });
});

describe('NRPTE from L1_CACHE_BYTES (sources-mm.md §4.2)', () => {
  it('PIII 7, P4 31; with HIGHPTE + PAE 3 and 15', () => {
    expect([nrpte(32, 4, 4), nrpte(128, 4, 4), nrpte(32, 4, 8), nrpte(128, 4, 8)]).toEqual([7, 31, 3, 15]);
  });
});

describe('RmapLocks', () => {
  it('hashes page->index 16 at a time over 256 locks and refuses releasing a lock not held', () => {
    const l = new RmapLocks('hashed', 256, 4);
    expect([l.lockOf(7, 0), l.lockOf(7, 15), l.lockOf(7, 16), l.lockOf(7, 256 * 16)]).toEqual([0, 0, 1, 0]);
    l.acquire(1, 0);
    expect(() => l.acquire(1, 1)).toThrow(RmapLockError);
    expect(() => l.release(1, 1)).toThrow(/held by cpu 0/);
    l.release(1, 0);
    expect(() => l.release(1, 0)).toThrow(/not held/);
  });

  it('bit locks are per page', () => {
    const l = new RmapLocks('bit', 1, 0, 16);
    expect(l.lockOf(9, 1234)).toBe(9);
    l.acquire(9, 0);
    expect(l.isHeld(9)).toBe(true);
    expect(() => l.release(8, 0)).toThrow(RmapLockError);
  });
});

describe('PTE ids and node addresses beyond 32 bits', () => {
  it('widens the arrays once a value outgrows 32 bits, keeping every entry', () => {
    for (const multi of [false, true]) {
      const { c } = store({ slots: multi ? 3 : 1, multi, direct: true, collapse: !multi });
      const big = 2 ** 33 + 5;
      c.insert(0, 7); // direct, 32-bit
      c.insert(1, 8);
      c.insert(1, 9); // a chain, 32-bit
      c.insert(2, big); // direct, beyond 32 bits
      c.insert(1, big + 1); // into a chain
      expect(c.entries(0)).toEqual([7]);
      expect(c.entries(2)).toEqual([big]);
      expect(c.entries(1).sort((a, b) => a - b)).toEqual([8, 9, big + 1]);
      expect(c.remove(1, big + 1)).toBe(true);
      expect(c.entries(1).sort((a, b) => a - b)).toEqual([8, 9]);
      expect(c.remove(2, big)).toBe(true);
      expect(c.count(2)).toBe(0);
    }
  });
});
