import x86_64 from '@kmemsim/arch-x86_64';
import { describe, expect, it } from 'vitest';
import { createCacheModel } from './cache-two-level.js';
import { checkArch } from './validate.js';

type P = Record<string, any>;

/** x86_64 with a valid cache and NUMA section, every number sourced. */
function withCache(): P {
  const p = structuredClone(x86_64) as unknown as P;
  // x86_64 ships its own cache section (with an L3); replace it whole, sources included.
  for (const k of Object.keys(p.sources)) if (k.startsWith('cache.') || k.startsWith('numa.')) delete p.sources[k];
  p.cache = {
    l1d: { sizeBytes: 65536, ways: 2, lineBytes: 64, hitCycles: 3 },
    l2: { sizeBytes: 524288, ways: 16, lineBytes: 64, hitCycles: 12 },
    memoryCycles: 200,
    transferCycles: 150,
    upgradeCycles: 60,
    atomicCycles: 20,
  };
  p.numa = { nodes: 2, cpusPerNode: 4, remoteMemoryCycles: 300, remoteTransferCycles: 250, remoteIpiCycles: 100 };
  p.maxCpus = 8;
  p.defaultCpus = 8;
  for (const path of ['l1d', 'l2'].flatMap((l) =>
    ['sizeBytes', 'ways', 'lineBytes', 'hitCycles'].map((f) => `cache.${l}.${f}`),
  ))
    p.sources[path] = 'test';
  for (const f of ['memoryCycles', 'transferCycles', 'upgradeCycles', 'atomicCycles']) p.sources[`cache.${f}`] = 'test';
  for (const f of Object.keys(p.numa)) p.sources[`numa.${f}`] = 'test';
  return p;
}

describe('cache and NUMA sections of an arch profile', () => {
  it('a valid section passes and builds a cache model', () => {
    const p = withCache();
    expect(checkArch(p)).toEqual([]);
    const m = createCacheModel(p as never, 8);
    expect(m?.levels.map((l) => l.sets)).toEqual([512, 512]);
    expect(m?.nodeOf(5)).toBe(1);
    const { cache: _c, ...noCache } = withCache();
    expect(createCacheModel(noCache as never, 2)).toBeNull();
  });

  it.each<[string, (p: P) => void, string, RegExp]>([
    ['a non-power-of-two set count', (p) => (p.cache.l2.sizeBytes = 3 * 2 ** 18), 'cache.l2.sizeBytes', /power of two/],
    ['zero ways', (p) => (p.cache.l1d.ways = 0), 'cache.l1d.ways', /./],
    ['a line size that is not a power of two', (p) => (p.cache.l1d.lineBytes = 48), 'cache.l1d.lineBytes', /power/],
    ['a sector smaller than the line', (p) => (p.cache.l2.sectorBytes = 32), 'cache.l2.sectorBytes', /below/],
    ['an L2 smaller than L1', (p) => (p.cache.l2.sizeBytes = 16384), 'cache.l2.sizeBytes', /below/],
    ['a negative memory latency', (p) => (p.cache.memoryCycles = -1), 'cache.memoryCycles', /./],
    ['fewer NUMA CPUs than maxCpus', (p) => (p.numa.cpusPerNode = 2), 'numa.cpusPerNode', /below maxCpus/],
    ['a number without its source', (p) => delete p.sources['cache.l2.ways'], 'sources.cache.l2.ways', /source/],
  ])('rejects %s, naming the field', (_what, mutate, path, msg) => {
    const p = withCache();
    if (path === 'cache.l2.sectorBytes') p.sources['cache.l2.sectorBytes'] = 'test';
    mutate(p);
    const found = checkArch(p).find((x) => x.path === path);
    expect(found?.message).toMatch(msg);
  });
});
