import type { Thread } from '@kmemsim/core';
import { describe, expect, it } from 'vitest';
import { emptyKind, Loop } from './sampler-loop.js';
import { type DecisionPoint, measureContext } from './sampler-measure-context.js';
import { samplerSettings } from './sampler-settings.js';

const thread = (cpu: number) => ({ cpu, clock: 0 }) as unknown as Thread;
const at = (o: Partial<DecisionPoint> = {}): DecisionPoint => ({
  round: 40,
  window: 64,
  mixFrom: 3,
  cutting: false,
  mixedPhase: false,
  refused: null,
  ...o,
});

describe('measureContext: what a decision hands the measurements', () => {
  it('flush cycles counted only with a regeneration counter and uncut rounds; logged cycles only in a mixed phase', () => {
    const counted = samplerSettings({ regeneration: () => 0 });
    const loops = new Map<Thread, Loop>();
    expect(measureContext(counted, loops, at())).toMatchObject({ flushCycles: true, loggedCycles: false });
    expect(measureContext(counted, loops, at({ mixedPhase: true }))).toMatchObject({ loggedCycles: true });
    expect(measureContext(counted, loops, at({ cutting: true, mixedPhase: true }))).toMatchObject({
      flushCycles: false,
      loggedCycles: false,
    });
    const uncounted = measureContext(samplerSettings({}), loops, at({ mixedPhase: true }));
    expect(uncounted).toMatchObject({ round: 40, window: 64, mixFrom: 3, need: 8, relError: 0.01 });
    expect(uncounted).toMatchObject({ flushCycles: false, loggedCycles: false, refused: undefined });
  });

  it('flushes between rounds from the kind’s event log, or unbounded without a counter', () => {
    const k = emptyKind();
    k.ev.push(10, 12, 17);
    expect(measureContext(samplerSettings({ regeneration: () => 0 }), new Map(), at()).flushesIn(k, 1)).toBe(5);
    expect(measureContext(samplerSettings({}), new Map(), at()).flushesIn(k, 1)).toBe(Number.POSITIVE_INFINITY);
  });

  it('mean loops done reads the loops as they are when asked; loops that free beside only if set-ups stall on them', () => {
    const loops = new Map<Thread, Loop>();
    const a = new Loop(thread(0), 100, 'a', null, false);
    loops.set(a.t, a);
    const ctx = measureContext(samplerSettings({ purgeStallsBuilds: true }), loops, at());
    expect(ctx.besideFrees).toBe(true);
    const b = new Loop(thread(1), 100, 'a', null, false);
    loops.set(b.t, b);
    a.done = 10;
    b.done = 30;
    expect(ctx.meanDone('a')).toBe(20);
    expect(ctx.meanDone('b')).toBe(0);
    expect(measureContext(samplerSettings({}), loops, at()).besideFrees).toBe(false);
    const setUps = new Map([[a.t, new Loop(a.t, 100, 'a', () => {}, true)]]);
    expect(measureContext(samplerSettings({ purgeStallsBuilds: true }), setUps, at()).besideFrees).toBe(false);
  });
});
