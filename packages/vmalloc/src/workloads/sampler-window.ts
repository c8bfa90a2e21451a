// How much history the sampler keeps (sampler.ts): the rounds a kind's window may hold, the global snapshots kept,
// and the one a skip's machine counters and profile are replayed from.
import type { Snapshot } from './sampler-loop.js';
import { CUTS, samePhase } from './sampler-round-cut.js';

/** Rounds of history kept per loop kind: the window its pooled rate may use (the trend test guards its age). */
const WINDOW = 256;

/**
 * Rounds a kind's window may hold (`cutsAt`: the cut clock's loops between cuts, ∞ while rounds are not cut): with
 * rounds cut between flushes, `CUTS` times as many, so it spans as many flush cycles as without cuts (at 256 rounds,
 * 6.9's long_busy at 16 CPUs × mask 7 × 200,000 skipped 14,942 loops; at 2,048, 2,791,188, −0.03 % from the exact
 * run within ±3.43 %).
 */
export function windowRounds(cutsAt: number): number {
  return cutsAt === Number.POSITIVE_INFINITY ? WINDOW : WINDOW * CUTS;
}

/** Snapshots kept for `replayFrom` (`need`: the cycles a kind needs): about `need` flush cycles of cut rounds, twice over. */
export function snapsKept(cutsAt: number, need: number): number {
  return cutsAt === Number.POSITIVE_INFINITY ? need : 2 * need * CUTS;
}

/**
 * The global snapshot the skipped time is replayed from: `need` rounds back (or the oldest kept). With rounds cut
 * between flushes, the one `need` flushes back (none from before the last skip, round `lastSkip`) at the same point
 * of its flush cycle as the last round, so the replay spans whole flush cycles (sampler-round-cut.ts `samePhase`):
 * replayed from `need` cut rounds, vmap-bench 6.9 × 1 thread came out at 56 flushes against 68. `cutting`: kworkers
 * share the CPUs by turns.
 */
export function replayFrom(
  snaps: readonly Snapshot[],
  need: number,
  lastSkip: number,
  cutsAt: number,
  cutting: boolean,
): Snapshot | null {
  if (snaps.length < 2) return null;
  if (cutsAt !== Number.POSITIVE_INFINITY) {
    const i = samePhase(snaps, need, lastSkip);
    return i < 0 ? null : snaps[i];
  }
  let i = Math.max(0, snaps.length - 1 - need);
  // Where kworkers share the CPUs, not from before the last skip: its replayed flushes would be replayed again
  // (vmap-bench 6.9 × 4 threads, four skips in a row: 427 flushes against 390 exact).
  if (cutting) {
    while (i < snaps.length - 1 && snaps[i].round <= lastSkip) i++;
    if (i === snaps.length - 1) return null;
  }
  return snaps[i];
}
