import { describe, expect, it } from 'vitest';
import { BENCH_DESIGNS as DESIGNS } from './designs.js';
import { PageSampler, SAMPLING } from './sample.js';
import { checkSampled } from './sample-check.js';

describe('sampled fidelity against the exact model (fork + exit, 128 K pages, dual PIII)', () => {
  for (const [name, variant] of DESIGNS) {
    it(`${name}: times within the stated bound, every other count identical`, () => {
      const { errors, bound, sampledPct } = checkSampled(variant, 1 << 17);
      expect(sampledPct).toBe(25); // 32 of 128 PTE pages through the caches
      // The bound is not vacuous: the observed errors stay well inside it.
      expect(Math.max(...Object.values(errors))).toBeLessThan(bound);
    });
  }

  it('a small run (every PTE page at the ends of its vma) is followed exactly', () => {
    const { errors, sampledPct } = checkSampled(DESIGNS[1]?.[1] as (typeof DESIGNS)[number][1], 4096, { rounds: 2 });
    expect(sampledPct).toBe(100);
    expect(errors).toEqual({ fork_us: 0, exit_us: 0, real_us: 0 });
  });

  it('the plan tracks head, tail, and one warm + one measured page per period', () => {
    const modes: string[] = [];
    const sys = {
      sampling: false,
      tracking: true,
      accN: new Float64Array(1),
      accCycles: new Float64Array(1),
      tally: { cycles: new Float64Array(1) },
      forgetLine() {},
      flushHits() {},
      cache: {
        stats: {
          accesses: 0,
          levelHits: [0, 0],
          memoryLocal: 0,
          memoryRemote: 0,
          transfersLocal: 0,
          transfersRemote: 0,
          upgrades: 0,
        },
      },
    };
    const s = new PageSampler(sys as never, SAMPLING);
    for (let j = 0; j < 40; j++) {
      s.begin('fork/0', j, 40);
      modes.push(sys.tracking ? 't' : '-');
      s.end();
    }
    expect(modes.join('')).toBe('tttttt--------------tt--------------tttt');
    expect(s.pages).toEqual({ tracked: 12, measured: 2, skipped: 28 });
  });
});
