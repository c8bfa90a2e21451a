// The refusal trace (sampler-refusal.ts): every loop in detail charged to one reason, and the run unchanged by it.
import { x86_64 } from '@kmemsim/arch-x86_64';
import { Machine } from '@kmemsim/mmu';
import { describe, expect, it } from 'vitest';
import { heldSummary, RefusalLog } from './sampler-refusal.js';
import { runTestVmalloc } from './test-vmalloc.js';

describe('refusal trace', () => {
  it('charges each loop to the last reason noted, most loops first', () => {
    const log = new RefusalLog();
    log.count('a');
    log.rate('fix_size', 'wide', 'few rounds');
    log.count('b');
    log.count('b');
    log.rate('full_fit:set-up', 'trend');
    log.count('b');
    log.note('skipped');
    log.count('a');
    log.rate('long_busy', 'wide', 'wide');
    log.append('cycles trend');
    log.count('c');
    expect(log.report()).toEqual({
      'b <- fix_size: wide; in mix few rounds': 2,
      'a <- skipped': 1,
      'a <- start': 1,
      'b <- full_fit:set-up: trend': 1,
      'c <- long_busy: wide; in mix wide; cycles trend': 1,
    });
    expect(Object.keys(log.report())[0]).toBe('b <- fix_size: wide; in mix few rounds');
  });

  it('sums the trace by coarse reason: kinds merged, a rate refusal cut to its first clause, most loops first', () => {
    expect(
      heldSummary({
        'a <- gate: case order': 5,
        'b <- gate: case order': 4,
        'b <- fix_size: wide; in mix few rounds': 3,
        'c <- fix_size: wide; in mix wide; cycles trend': 6,
        'a <- start': 1,
        'c <- skipped': 1,
      }),
    ).toEqual([
      { why: 'fix_size: wide', loops: 9 },
      { why: 'gate: case order', loops: 9 },
      { why: 'skipped', loops: 1 },
      { why: 'start', loops: 1 },
    ]);
    expect(heldSummary({})).toEqual([]);
  });

  it('counts a reason noted again after another as the same row', () => {
    const log = new RefusalLog();
    log.note('gate');
    log.count('a');
    log.note('skipped');
    log.count('a');
    log.note('gate');
    log.count('a');
    log.count('b');
    expect(log.report()).toEqual({ 'a <- gate': 2, 'a <- skipped': 1, 'b <- gate': 1 });
  });

  it('5.2, 4 CPUs × mask 7 × 2,000, shuffled with mixed skips: the same run, its detailed loops all charged', () => {
    const run = (traceRefusals: boolean) =>
      runTestVmalloc({
        machine: new Machine({ arch: x86_64, cpus: 4 }),
        impl: '5.2',
        nrThreads: 4,
        runTestMask: 7,
        testLoopCount: 2_000,
        mixedPhases: true,
        sampling: { traceRefusals },
      });
    const s = run(false);
    const t = run(true);
    expect(s.sampling.refusals).toBeUndefined();
    const { refusals, ...rest } = t.sampling;
    expect(rest).toEqual(s.sampling);
    expect(t.tests).toEqual(s.tests);
    const held = Object.values(refusals ?? {});
    expect(held.reduce((a, b) => a + b, 0)).toBe(s.sampling.detailed);
    expect(s.sampling.skipped).toBeGreaterThan(0);
    expect(Object.keys(refusals ?? {}).some((k) => k.includes(' <- ') && k.includes(': '))).toBe(true);
  }, 120_000);
});
