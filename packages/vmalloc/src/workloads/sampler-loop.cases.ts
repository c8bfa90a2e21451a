// Test stand-ins for the sampler's loops (sampler-after.test.ts, sampler-arrival.test.ts): only the fields a skip
// and the after-skip terms read.
import type { Loop } from './sampler-loop.js';

/**
 * A worker's loop of kind `tag` on `cpu` in a skip: its own window `y` cycles over `n` loops, `k` loops to skip;
 * `building` (a set-up / tear-down with a fast-forward) or a steady loop.
 */
export function skippedLoop(tag: string, cpu: number, y: number, n: number, k: number, building = true): Loop {
  return {
    tag,
    t: { cpu },
    fast: building ? () => {} : null,
    steady: null,
    y: [y],
    n: [n],
    pendingK: k,
    stalled: false,
  } as unknown as Loop;
}
