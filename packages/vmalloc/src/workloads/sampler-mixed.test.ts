// The mixed-phase layout (sampler-mixed.ts): each worker's skipped loops interleaved by time, every one placed.
import type { Thread } from '@kmemsim/core';
import { describe, expect, it } from 'vitest';
import { Loop } from './sampler-loop.js';
import { layMixed, type MixedLayout, mixedSkippable } from './sampler-mixed.js';

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

  it('refuses a mixed skip beside a steady kind without a layout, or while a purge runs in detail', () => {
    const loops = [new Loop(thread(0), 10, 'b:set-up', () => {}, true), new Loop(thread(1), 10, 's', null, false)];
    expect(mixedSkippable(loops, logging(['s'], []))).toBe(true);
    expect(mixedSkippable(loops, logging(['t'], []))).toBe(false);
    expect(mixedSkippable(loops, logging(['s'], [], true))).toBe(false);
  });
});
