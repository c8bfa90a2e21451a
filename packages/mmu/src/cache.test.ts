import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CacheModel } from './cache.js';
import type { ArchCache } from './schema.js';

// Tiny caches so that small cases exercise sets, ways and eviction: L1 2 sets × 2 ways, L2 4 sets × 2 ways.
const TINY: ArchCache = {
  l1d: { sizeBytes: 128, ways: 2, lineBytes: 32, hitCycles: 3 },
  l2: { sizeBytes: 256, ways: 2, lineBytes: 32, hitCycles: 10 },
  memoryCycles: 100,
  transferCycles: 150,
  upgradeCycles: 40,
  atomicCycles: 20,
};

describe('CacheModel, exact small cases', () => {
  it('one CPU: cold miss, L1 hit, L2 hit after an L1 conflict, memory after an L2 conflict', () => {
    const c = new CacheModel({ cache: TINY, cpus: 1 });
    expect(c.read(0, 0)).toBe(100); // cold
    expect(c.read(0, 8)).toBe(3); // same line
    // Lines 0, 2, 4 share L1 set 0 (2 ways): the third evicts line 0 from L1; L2 (4 sets) still has it.
    expect(c.read(0, 64)).toBe(100);
    expect(c.read(0, 128)).toBe(100);
    expect(c.read(0, 0)).toBe(10);
    // Lines 0, 4, 8 share L2 set 0: after 8 and 12 (line 12 also set 0), line 0 is gone from both levels.
    expect(c.read(0, 256)).toBe(100);
    expect(c.read(0, 384)).toBe(100);
    expect(c.read(0, 0)).toBe(100);
    expect(c.stats.levelHits).toEqual([1, 1]);
  });

  it('two CPUs: a modified line is a transfer, a store to a shared line pays the invalidation', () => {
    const c = new CacheModel({ cache: TINY, cpus: 2 });
    expect(c.write(0, 0)).toBe(100); // CPU 0 fetches for ownership from memory
    expect(c.read(1, 0)).toBe(150); // CPU 1: modified in CPU 0's cache
    expect(c.read(0, 0)).toBe(3); // CPU 0 still holds it (shared now)
    expect(c.write(0, 0)).toBe(3 + 40); // upgrade: CPU 1's copy is invalidated
    expect(c.read(1, 0)).toBe(150); // CPU 1's copy was stale
    expect(c.write(1, 0)).toBe(3 + 40); // CPU 0 holds a copy again
    expect(c.write(1, 0)).toBe(3); // exclusive now
    expect(c.atomic(0, 0)).toBe(150 + 20); // a locked op on a line CPU 1 modified
    expect(c.stats).toMatchObject({ transfersLocal: 3, upgrades: 2, memoryLocal: 1 });
  });

  it('NUMA: remote memory by the line home, remote transfers between nodes', () => {
    const numa = { nodes: 2, cpusPerNode: 2, remoteMemoryCycles: 400, remoteTransferCycles: 500, remoteIpiCycles: 0 };
    const c = new CacheModel({ cache: TINY, numa, cpus: 4 });
    c.setHome(4096, 4096, 1);
    expect(c.nodeOf(3)).toBe(1);
    expect(c.read(0, 4096)).toBe(400); // node 0 reads node 1 memory
    expect(c.read(2, 4096 + 32)).toBe(100); // node 1 reads its own
    expect(c.write(3, 4096 + 32)).toBe(100); // a read for ownership from memory invalidates CPU 2 on the way
    expect(c.read(1, 4096 + 32)).toBe(500); // modified on node 1, read from node 0
    expect(c.read(2, 0)).toBe(400); // node 0 memory from node 1
  });

  it('sectors: a miss brings the other line of the sector', () => {
    const cache: ArchCache = {
      ...TINY,
      l1d: { sizeBytes: 256, ways: 2, lineBytes: 64, hitCycles: 2 },
      l2: { sizeBytes: 1024, ways: 2, lineBytes: 64, sectorBytes: 128, hitCycles: 18 },
    };
    const c = new CacheModel({ cache, cpus: 2 });
    expect(c.read(0, 0)).toBe(100);
    expect(c.read(0, 64)).toBe(18); // the sibling came with the sector into L2 (not L1)
    // A sibling modified by another CPU is not brought along.
    c.write(1, 256 + 64);
    expect(c.read(0, 256)).toBe(100);
    expect(c.read(0, 256 + 64)).toBe(150);
  });
});

// A reference model written the obvious way: per CPU and level, sets as arrays in LRU order, L1 inside L2; a store
// removes the line from every other CPU. Hits and misses must agree with the typed-array model access by access.
class Reference {
  private readonly sets: number[][][][]; // [cpu][level][set] = lines, most recent last
  constructor(
    private readonly g: ArchCache,
    private readonly cpus: number,
  ) {
    const lv = [g.l1d, g.l2];
    this.sets = Array.from({ length: cpus }, () =>
      lv.map((l) => Array.from({ length: l.sizeBytes / (l.ways * l.lineBytes) }, () => [] as number[])),
    );
  }
  access(cpu: number, addr: number, write: boolean): number {
    const lv = [this.g.l1d, this.g.l2];
    const line = Math.floor(addr / 32);
    let hit = -1;
    for (let l = 0; l < 2 && hit < 0; l++) {
      const set = this.sets[cpu][l][line % (lv[l].sizeBytes / (lv[l].ways * 32))];
      const i = set.indexOf(line);
      if (i >= 0) {
        set.splice(i, 1);
        set.push(line);
        hit = l;
      }
    }
    const upto = hit < 0 ? 2 : hit;
    for (let l = upto - 1; l >= 0; l--) {
      const set = this.sets[cpu][l][line % (lv[l].sizeBytes / (lv[l].ways * 32))];
      if (set.length === lv[l].ways) {
        const out = set.shift() as number;
        // Inclusion: a line leaving L2 leaves L1 too.
        if (l === 1) {
          const s1 = this.sets[cpu][0][out % (lv[0].sizeBytes / (lv[0].ways * 32))];
          const i = s1.indexOf(out);
          if (i >= 0) s1.splice(i, 1);
        }
      }
      set.push(line);
    }
    if (write) {
      for (let o = 0; o < this.cpus; o++) {
        if (o === cpu) continue;
        for (let l = 0; l < 2; l++)
          for (const set of this.sets[o][l]) {
            const i = set.indexOf(line);
            if (i >= 0) set.splice(i, 1);
          }
      }
    }
    return hit;
  }
}

describe('CacheModel against a reference LRU model', () => {
  it('agrees on the level of every access for random sequences on 1–3 CPUs', () => {
    const op = fc.record({ cpu: fc.nat(2), line: fc.nat(40), write: fc.boolean() });
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 3 }), fc.array(op, { maxLength: 200 }), (cpus, ops) => {
        const m = new CacheModel({ cache: TINY, cpus });
        const r = new Reference(TINY, cpus);
        for (const o of ops) {
          const cpu = o.cpu % cpus;
          const before = m.stats.levelHits.slice();
          m.access(cpu, o.line * 32 + (o.line % 7), o.write);
          const level = m.stats.levelHits.findIndex((h, i) => h !== before[i]);
          if (level !== r.access(cpu, o.line * 32, o.write)) return false;
        }
        return true;
      }),
      { numRuns: 600 },
    );
  });
});
