import { describe, expect, it } from 'vitest';
import { ChainStore } from './chains.js';
import { RmapLockError, RmapLocks } from './locks.js';
import { SlabCache } from './slab.js';

const entries = (c: ChainStore, pfn: number) => {
  const out: number[] = [];
  c.walkQuiet(pfn, (p) => out.push(p));
  return out;
};

describe('ChainStore (multi-pointer, NRPTE 3)', () => {
  it('fills the head from its last slot and grows a new head when full', () => {
    const c = new ChainStore(3, 16, 4096, false);
    for (const p of [10, 11, 12, 13]) c.insert(0, p);
    // Head (newest node) holds 13 in its last slot; the older node is full: 12, 11, 10.
    expect(entries(c, 0)).toEqual([13, 12, 11, 10]);
    expect(c.nodesInUse).toBe(2);
    expect(c.work.nodeAllocs).toBe(2);
    expect(c.checkPage(0)).toEqual([]);
  });

  it('remove moves the head first entry into the hole and frees an empty head', () => {
    const c = new ChainStore(3, 16, 4096, false);
    for (const p of [10, 11, 12, 13]) c.insert(0, p);
    c.work.reset();
    expect(c.remove(0, 11)).toBe(true);
    // 13 (the head's only entry) fills 11's hole; the head is empty and freed.
    expect(entries(c, 0)).toEqual([12, 13, 10]);
    expect(c.nodesInUse).toBe(1);
    expect(c.work).toMatchObject({ nodeFrees: 1, slotsScanned: 3 });
    expect(c.remove(0, 99)).toBe(false);
    expect(c.checkPage(0)).toEqual([]);
  });

  it('PageDirect: one mapping is direct, a second makes a chain, back to one collapses', () => {
    const c = new ChainStore(3, 16, 4096, true);
    c.insert(5, 100);
    expect(c.direct[5]).toBe(1);
    expect(c.nodesInUse).toBe(0);
    c.work.reset();
    c.insert(5, 101);
    expect(c.work).toMatchObject({ nodeAllocs: 1, nodeTouches: 1, toChain: 1 });
    expect(c.direct[5]).toBe(0);
    expect(entries(c, 5)).toEqual([101, 100]);
    expect(c.work.toChain).toBe(1);
    c.remove(5, 101);
    expect(c.direct[5]).toBe(1);
    expect(entries(c, 5)).toEqual([100]);
    expect(c.nodesInUse).toBe(0);
    expect(c.remove(5, 100)).toBe(true);
    expect(c.count(5)).toBe(0);
  });

  it('one PTE per node (the first pte_chain): a node per mapping', () => {
    const c = new ChainStore(1, 8, 4096, false);
    for (let p = 0; p < 5; p++) c.insert(1, p);
    expect(c.nodesInUse).toBe(5);
    expect(c.slab.slabs).toBe(1);
    for (let p = 0; p < 5; p++) c.remove(1, p);
    expect(c.nodesInUse).toBe(0);
    expect(c.slab.inUse).toBe(0);
  });
});

describe('SlabCache', () => {
  it('grows a page per objectsPerSlab objects and keeps empty slabs', () => {
    const s = new SlabCache(64, 4096);
    expect(s.objectsPerSlab).toBe(64);
    let grows = 0;
    for (let i = 0; i < 65; i++) if (s.alloc()) grows++;
    expect(grows).toBe(2);
    s.free();
    s.free();
    expect(s.bytes).toBe(8192);
    expect(s.peakBytes).toBe(8192);
  });
});

describe('RmapLocks', () => {
  it('hashes page->index in groups and refuses releasing a lock not held', () => {
    const l = new RmapLocks('hashed', 64, 4);
    expect(l.lockOf(7, 0)).toBe(0);
    expect(l.lockOf(7, 15)).toBe(0);
    expect(l.lockOf(7, 16)).toBe(1);
    expect(l.lockOf(7, 64 * 16)).toBe(0);
    expect(l.acquire(1, 0)).toBe(false);
    expect(() => l.acquire(1, 1)).toThrow(RmapLockError);
    expect(() => l.release(1, 1)).toThrow(/held by cpu 0/);
    l.release(1, 0);
    expect(() => l.release(1, 0)).toThrow(/not held/);
    expect(l.acquire(1, 1)).toBe(true);
    expect(l.transfers).toBe(1);
  });

  it('bit locks are per page', () => {
    const l = new RmapLocks('bit', 64, 4, 16);
    expect(l.lockOf(9, 1234)).toBe(9);
    l.acquire(9, 0);
    expect(l.isHeld(9)).toBe(true);
    expect(() => l.release(8, 0)).toThrow(RmapLockError);
  });
});
