import { i386Piii } from '@kmemsim/arch-i386';
import { Machine } from '@kmemsim/mmu';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AUTO_SAMPLED_PAGES, chooseFidelity } from './fidelity.js';
import { runRmapFork } from './workload.js';

describe('--fidelity auto: exact below the threshold, sampled at or above it', () => {
  it('chooses by pages and children, and says why', () => {
    expect(chooseFidelity('auto', AUTO_SAMPLED_PAGES - 1, 1)).toEqual({ used: 'exact', why: 'auto: < 262,144 pages' });
    expect(chooseFidelity('auto', AUTO_SAMPLED_PAGES, 1)).toEqual({ used: 'sampled', why: 'auto: ≥ 262,144 pages' });
    expect(chooseFidelity('auto', AUTO_SAMPLED_PAGES, 2)).toEqual({
      used: 'exact',
      why: 'auto: > 1 child per round, which sampled cannot do',
    });
    expect(chooseFidelity('sampled', 16, 2).used).toBe('exact');
    expect(chooseFidelity('sampled', 16, 1)).toEqual({ used: 'sampled', why: 'asked for' });
  });

  it('exact is exact and sampled needs one child, whatever the size; auto samples exactly from the threshold', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1 << 22 }), fc.integer({ min: 1, max: 256 }), (pages, children) => {
        expect(chooseFidelity('exact', pages, children)).toEqual({ used: 'exact', why: null });
        expect(chooseFidelity('sampled', pages, children).used).toBe(children === 1 ? 'sampled' : 'exact');
        const auto = chooseFidelity('auto', pages, children).used;
        expect(auto).toBe(children === 1 && pages >= AUTO_SAMPLED_PAGES ? 'sampled' : 'exact');
      }),
    );
  });

  it('runRmapFork: the default is auto; one page below the threshold runs exact, at it sampled', () => {
    const go = (pages: number) =>
      runRmapFork({
        machine: new Machine({ arch: i386Piii, cpus: 2 }),
        variant: { rmap: 'none', direct: false, lock: 'bit', batch: false },
        pages,
        rounds: 1,
      });
    const below = go(AUTO_SAMPLED_PAGES - 1);
    expect(below.fidelity.used).toBe('exact');
    expect(below.sampled).toBeUndefined();
    expect(below.run.metrics).not.toHaveProperty('sampled_pages_pct');
    const at = go(AUTO_SAMPLED_PAGES);
    expect(at.fidelity).toEqual({ used: 'sampled', why: 'auto: ≥ 262,144 pages' });
    expect(at.sampled?.sampled_pages_pct).toBe(18.75); // 48 of 256 PTE pages through the caches
    expect(at.sampled?.estimate_bound_pct).toBeGreaterThanOrEqual(2);
  });
});
