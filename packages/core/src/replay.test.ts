import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Engine, type Thread } from './engine.js';

describe('profile replay (a sampler charging skipped loops as its measured window)', () => {
  it('each symbol grows by round(f × window); folded stacks still sum to the profile', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(2), fc.nat(3), fc.integer({ min: 1, max: 999 })), { minLength: 1, maxLength: 30 }),
        fc.array(fc.tuple(fc.nat(2), fc.nat(3), fc.integer({ min: 1, max: 999 })), { minLength: 1, maxLength: 30 }),
        fc.double({ min: 0, max: 50, noNaN: true }),
        (before, window, f) => {
          const e = new Engine({ cpus: 2, clockHz: 1e9 });
          const syms = ['a', 'b', 'c', 'd'].map((n) => e.sym(n));
          const frames = ['vmap', 'vunmap', 'purge'];
          let snap = e.profiler.snapshot();
          let w0: Float64Array = new Float64Array(0);
          const act = (ops: [number, number, number][]) =>
            function* (t: Thread) {
              for (const [fr, s, c] of ops) {
                t.enter(frames[fr]);
                t.spend(syms[s], c);
                t.leave();
              }
              yield undefined;
            };
          e.spawn(0, 'x/0', function* (t) {
            yield* act(before)(t);
            snap = e.profiler.snapshot();
            w0 = e.profiler.cycles;
            yield* act(window)(t);
          });
          e.run();
          const w1 = e.profiler.cycles;
          e.profiler.replay(snap, f);
          const after = e.profiler.cycles;
          for (const s of syms) expect(after[s]).toBe(w1[s] + Math.round((w1[s] - (w0[s] ?? 0)) * f));
          const folded = e.profiler.folded();
          expect(folded.every((x) => Number.isInteger(x.cycles))).toBe(true);
          const sum = folded.reduce((n, x) => n + x.cycles, 0);
          expect(sum).toBe(syms.reduce((n, s) => n + after[s], 0));
        },
      ),
      { numRuns: 200 },
    );
  });
});
