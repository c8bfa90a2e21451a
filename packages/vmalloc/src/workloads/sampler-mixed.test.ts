// The mixed-phase layout (sampler-mixed.ts): each worker's skipped loops interleaved by time, every one placed.
import type { Thread } from '@kmemsim/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Loop } from './sampler-loop.js';
import { layMixed, type MixedLayout, mixedSkippable } from './sampler-mixed.js';
import { MIXED_PHASES_FROM, mixedPhasesOn } from './test-vmalloc.js';

const thread = (cpu: number) => ({ cpu, clock: 0 }) as unknown as Thread;

/** A layout whose steady kinds log what they lay down ("tag@cpu"). */
function logging(tags: string[], log: string[], purging = false): MixedLayout {
  return {
    steady: new Map(tags.map((t) => [t, { run: (cpu: number, k: number) => log.push(`${t}@${cpu}×${k}`) }])),
    purging: () => purging,
  };
}

describe('mixed-phase layout', () => {
  it('interleaves each worker’s loops in proportion to its rate, in time order', () => {
    const log: string[] = [];
    const build = new Loop(thread(0), 100, 'b:set-up', (from, k) => log.push(`b${from}×${k}`), true);
    const steady = new Loop(thread(1), 100, 's', null, false);
    // 4 builder loops and 2 steady ones over the same time: at 1/8, 3/8, 5/8, 7/8 and 1/4, 3/4.
    layMixed(
      [
        { l: build, from: 10, k: 4 },
        { l: steady, from: 0, k: 2 },
      ],
      logging(['s'], log),
    );
    expect(log).toEqual(['b10×1', 's@1×1', 'b11×1', 'b12×1', 's@1×1', 'b13×1']);
  });

  it('places every loop once, ties going to the earlier share', () => {
    const log: string[] = [];
    const a = new Loop(thread(0), 10, 's', null, false);
    const b = new Loop(thread(1), 10, 's', null, false);
    layMixed(
      [
        { l: b, from: 0, k: 3 },
        { l: a, from: 0, k: 3 },
        { l: new Loop(thread(2), 10, 's', null, false), from: 0, k: 0 },
      ],
      logging(['s'], log),
    );
    expect(log).toEqual(['s@1×1', 's@0×1', 's@1×1', 's@0×1', 's@1×1', 's@0×1']);
  });

  it('lays the loops down in the order of their times, ties by share (a sort of every loop’s time)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 40 }), { minLength: 1, maxLength: 24 }), (ks) => {
        expectTimeOrder(ks);
      }),
    );
  });

  it('lays shares of equal k together and merges the times where different k meet (k 1 and 3 at ½), by share', () => {
    const log: string[] = [];
    const ks = [3, 1, 3, 2, 1];
    const shares = ks.map((k, i) => ({ l: new Loop(thread(i), 100, 's', null, false), from: 0, k }));
    layMixed(shares, logging(['s'], log));
    // k 3: 1/6, ½, 5/6; k 1: ½; k 2: ¼, ¾ — at ½ shares 0, 1, 2, 4 in index order.
    expect(log.map((x) => Number(x[2]))).toEqual([0, 2, 3, 0, 1, 2, 4, 3, 0, 2]);
  });

  it('lays down many small k as a sort of every loop’s time (ties between k frequent)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 8 }), { minLength: 1, maxLength: 40 }), (ks) => {
        expectTimeOrder(ks);
      }),
      { numRuns: 300 },
    );
  });

  it('calls the layout’s begin before the first loop and its end after the last (6.9’s functional drain)', () => {
    const log: string[] = [];
    const layout = { ...logging(['s'], log), begin: () => log.push('begin'), end: () => log.push('end') };
    layMixed([{ l: new Loop(thread(0), 10, 's', null, false), from: 0, k: 2 }], layout);
    expect(log).toEqual(['begin', 's@0×1', 's@0×1', 'end']);
  });

  it('refuses a mixed skip beside a steady kind without a layout, or while a purge runs in detail', () => {
    const loops = [new Loop(thread(0), 10, 'b:set-up', () => {}, true), new Loop(thread(1), 10, 's', null, false)];
    expect(mixedSkippable(loops, logging(['s'], []))).toBe(true);
    expect(mixedSkippable(loops, logging(['t'], []))).toBe(false);
    expect(mixedSkippable(loops, logging(['s'], [], true))).toBe(false);
  });
});

describe('mixed phases by default (test-vmalloc.ts mixedPhasesOn)', () => {
  it('on from nr_threads × test_loop_count ≥ MIXED_PHASES_FROM in the shuffled order; as asked; never in mask order', () => {
    const o = { nrThreads: 64, testLoopCount: MIXED_PHASES_FROM / 64 };
    expect(mixedPhasesOn(o)).toBe(true);
    expect(mixedPhasesOn({ ...o, testLoopCount: MIXED_PHASES_FROM / 64 - 1 })).toBe(false);
    // The module's default loop count (1,000,000) on one worker already reaches it.
    expect(mixedPhasesOn({ nrThreads: 1 })).toBe(true);
    expect(mixedPhasesOn({ ...o, mixedPhases: false })).toBe(false);
    expect(mixedPhasesOn({ nrThreads: 2, testLoopCount: 10, mixedPhases: true })).toBe(true);
    expect(mixedPhasesOn({ ...o, mixedPhases: true, sequentialTestOrder: true })).toBe(false);
  });
});

/** layMixed over one share per k lays its loops down as a sort of every loop's time (ties by share). */
function expectTimeOrder(ks: number[]): void {
  const log: string[] = [];
  const shares = ks.map((k, i) => ({ l: new Loop(thread(i), 100, 's', null, false), from: 0, k }));
  layMixed(shares, logging(['s'], log));
  // Each share's times as layMixed accumulates them: step/2, then + step per loop.
  const events: { t: number; i: number }[] = [];
  ks.forEach((k, i) => {
    const step = 1 / k;
    for (let j = 0, t = step / 2; j < k; j++, t += step) events.push({ t, i });
  });
  events.sort((a, b) => a.t - b.t || a.i - b.i);
  expect(log).toEqual(events.map((e) => `s@${e.i}×1`));
}
