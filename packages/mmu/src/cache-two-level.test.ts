import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CacheModel } from './cache.js';
import type { CacheModelOptions } from './cache-level.js';
import { isPlainTwoLevel, TwoLevelCacheModel } from './cache-two-level.js';
import type { ArchCache } from './schema.js';

// Small caches (L1 2 sets × 2 ways, L2 4 sets × 4 ways) so that random sequences evict, conflict and invalidate.
const SMALL: ArchCache = {
  l1d: { sizeBytes: 128, ways: 2, lineBytes: 32, hitCycles: 3 },
  l2: { sizeBytes: 512, ways: 4, lineBytes: 32, hitCycles: 10 },
  memoryCycles: 100,
  transferCycles: 150,
  upgradeCycles: 40,
  atomicCycles: 20,
};
const NUMA = { nodes: 2, cpusPerNode: 2, remoteMemoryCycles: 300, remoteTransferCycles: 400, remoteIpiCycles: 0 };

describe('TwoLevelCacheModel', () => {
  it('applies to two levels of one line size without sectors only', () => {
    const o = (cache: ArchCache): CacheModelOptions => ({ cache, cpus: 1 });
    expect(isPlainTwoLevel(o(SMALL))).toBe(true);
    expect(isPlainTwoLevel(o({ ...SMALL, l2: { ...SMALL.l2, lineBytes: 64 } }))).toBe(false);
    expect(isPlainTwoLevel(o({ ...SMALL, l2: { ...SMALL.l2, sectorBytes: 64 } }))).toBe(false);
    expect(isPlainTwoLevel(o({ ...SMALL, l3: { ...SMALL.l2, sizeBytes: 1024 } }))).toBe(false);
    expect(() => new TwoLevelCacheModel(o({ ...SMALL, l2: { ...SMALL.l2, lineBytes: 64 } }))).toThrow(/two levels/);
    // A line's packed state (a holder bit per CPU, then the modifier + 1) fits 32 bits up to 27 CPUs.
    expect(isPlainTwoLevel({ cache: SMALL, cpus: 27 })).toBe(true);
    expect(isPlainTwoLevel({ cache: SMALL, cpus: 28 })).toBe(false);
  });

  it("a way emptied by another CPU's store is refilled before an older line is evicted", () => {
    // L1 set 0 holds lines 0 (older) and 2; CPU 1's store takes line 2 away; line 4 goes into the empty way.
    for (const m of [new CacheModel({ cache: SMALL, cpus: 2 }), new TwoLevelCacheModel({ cache: SMALL, cpus: 2 })]) {
      m.read(0, 0);
      m.read(0, 64);
      expect(m.write(1, 64)).toBe(100 + 0); // memory (line clean), CPU 0's copy invalidated
      m.read(0, 128);
      expect(m.read(0, 0)).toBe(3); // still in L1
    }
  });

  it('a line L2 evicts leaves L1 too, even when L1 hits kept it recent there (inclusion)', () => {
    // Lines 0, 4, 8, 12, 16 share L2 set 0 (4 ways) and L1 set 0 (2 ways). L1 hits on line 0 do not refresh it in
    // L2, so line 16 evicts it from L2, and with it from L1: the next read of line 0 goes to memory.
    for (const m of [new CacheModel({ cache: SMALL, cpus: 1 }), new TwoLevelCacheModel({ cache: SMALL, cpus: 1 })]) {
      for (const line of [0, 4, 0, 8, 0, 12, 0]) m.read(0, line * 32);
      expect(m.read(0, 0)).toBe(3);
      m.read(0, 16 * 32);
      expect(m.read(0, 0)).toBe(100);
    }
  });

  it('answers every access exactly as the general model, with the same statistics (random sequences)', () => {
    // CPU counts whose line state packs into 8 (1–5), 16 (6–12) and 32 bits (13–27); every CPU of the count is used.
    // Lines of one L2 set (multiples of 4) often, so that L2 evicts lines L1 still holds (inclusion).
    const cpuId = fc.oneof(fc.nat(1), fc.nat(26));
    const line = fc.oneof(
      fc.nat(40),
      fc.nat(9).map((k) => 4 * k),
    );
    const op = fc.record({ cpu: cpuId, line, write: fc.boolean(), flush: fc.nat(200) });
    const cpuCounts = fc.constantFrom(1, 2, 3, 4, 4, 5, 6, 12, 13, 27);
    fc.assert(
      fc.property(cpuCounts, fc.boolean(), fc.array(op, { maxLength: 400, size: 'max' }), (cpus, numa, ops) => {
        const o: CacheModelOptions = { cache: SMALL, cpus, numa: numa && cpus === 4 ? NUMA : null, pageBytes: 256 };
        const a = new CacheModel(o);
        const b = new TwoLevelCacheModel(o);
        for (const m of [a, b]) m.setHome(0, 48 * 32 + 32, 1 % (o.numa ? 2 : 1));
        for (const x of ops) {
          const cpu = x.cpu % cpus;
          if (x.flush === 0) {
            a.flushAll();
            b.flushAll();
          }
          expect(b.access(cpu, x.line * 32 + 4, x.write)).toBe(a.access(cpu, x.line * 32 + 4, x.write));
        }
        expect(b.stats).toEqual(a.stats);
      }),
      { numRuns: 600 },
    );
  });
});
