// The sampler's per-round snapshot (sampler.ts `roundDone`): the machine's profile and counters when a round
// closes, kept for as long as a skip may replay from it (sampler-window.ts `snapsKept`).
import type { Engine } from '@kmemsim/core';
import type { Snapshot } from './sampler-loop.js';

/**
 * Appends this round's snapshot to `snaps`, keeping the last `keep`. The one that falls out is overwritten with
 * the new round's (a skip reads its window at once and nothing else keeps a snapshot), so a round allocates no
 * snapshot object and no counters array: 6.9 at 64 CPUs closes a round every ~150 loops.
 */
export function pushSnapshot(
  snaps: Snapshot[],
  keep: number,
  e: Engine,
  round: number,
  time: number,
  flushes: number,
): void {
  const s = snaps.length >= keep ? (snaps.shift() as Snapshot) : ({} as Snapshot);
  s.round = round;
  s.time = time;
  s.profile = e.profiler.snapshot();
  const v = e.counters.values;
  const c = s.counters ?? [];
  c.length = v.length;
  for (let i = 0; i < v.length; i++) c[i] = v[i];
  s.counters = c;
  s.flushes = flushes;
  snaps.push(s);
}
