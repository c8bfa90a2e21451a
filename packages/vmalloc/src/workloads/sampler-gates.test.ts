// The skip decision's gates (sampler-gates.ts): the same verdict as before up to the first closed gate, and with
// `all` every closed gate named, so the refusal trace shows what a lifted gate would leave.
import type { Thread } from '@kmemsim/core';
import { describe, expect, it } from 'vitest';
import { closedGates, type GateInput } from './sampler-gates.js';
import { Loop } from './sampler-loop.js';
import type { MixedLayout } from './sampler-mixed.js';

const thread = (cpu: number) => ({ cpu }) as unknown as Thread;
const steady = (cpu: number, tag: string) => new Loop(thread(cpu), 100, tag, null, false);
const builder = (cpu: number, tag: string) => new Loop(thread(cpu), 100, tag, () => {}, false);
const layout = (purging: boolean): MixedLayout => ({
  steady: new Map([['fix_size_alloc_test', { run: () => {} }]]),
  purging: () => purging,
});

/** 6.9 in the shuffled order: a builder beside a steady worker, a kworker live, the orders apart. */
const shuffled69 = (o: Partial<GateInput> = {}): GateInput => ({
  kworkersLive: 1,
  loops: [builder(0, 'full_fit_alloc_test:set-up'), steady(1, 'fix_size_alloc_test')],
  skipSteady: true,
  cutting: true,
  sameOrder: () => false,
  skipBuilds: false,
  mixed: layout(false),
  ...o,
});

describe('closedGates', () => {
  it('6.9 shuffled beside a builder: the first gate alone, or every gate that holds it', () => {
    expect(closedGates(shuffled69(), false)).toEqual({ closed: 'kworker beside a builder', mixedPhase: false });
    expect(closedGates(shuffled69(), true).closed).toBe('kworker beside a builder + case order + no builds skipped');
    // Without the kworker the next gates hold it all the same: lifting that gate alone skips nothing.
    expect(closedGates(shuffled69({ kworkersLive: 0 }), true).closed).toBe('case order + no builds skipped');
    expect(closedGates(shuffled69({ kworkersLive: 0, sameOrder: () => true }), true)).toEqual({
      closed: 'no builds skipped',
      mixedPhase: true,
    });
  });

  it('a mixed phase where builds skip: held without a layout or while a purge runs in detail, else open', () => {
    const open = { kworkersLive: 0, sameOrder: () => true, skipBuilds: true };
    expect(closedGates(shuffled69({ ...open, mixed: null }), true).closed).toBe('mixed phases off');
    expect(closedGates(shuffled69({ ...open, mixed: layout(true) }), true).closed).toBe('purge in detail');
    expect(closedGates(shuffled69({ ...open }), true)).toEqual({ closed: '', mixedPhase: true });
  });

  it('steady loops only: no builder gate; the case order holds where rounds are cut, and only there', () => {
    const loops = [steady(0, 'fix_size_alloc_test'), steady(1, 'long_busy_list_alloc_test')];
    expect(closedGates(shuffled69({ loops }), true)).toEqual({ closed: 'case order', mixedPhase: false });
    expect(closedGates(shuffled69({ loops, cutting: false }), true)).toEqual({ closed: '', mixedPhase: false });
    expect(closedGates(shuffled69({ loops, skipSteady: false }), true).closed).toBe('steady loops kept + case order');
  });

  it('the first closed gate is the one the full list starts with', () => {
    for (const kworkersLive of [0, 1])
      for (const same of [false, true])
        for (const skipBuilds of [false, true]) {
          const g = shuffled69({ kworkersLive, sameOrder: () => same, skipBuilds });
          const first = closedGates(g, false).closed;
          const every = closedGates(g, true).closed;
          expect(every.split(' + ')[0]).toBe(first);
        }
  });
});
