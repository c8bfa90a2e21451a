// What a skip adds besides its loops: the machine's profile and counters over the skipped time, and the skipped
// thread's cycles split into user / sys / idle, and where a kind's threads stand. All read what was measured.
import type { Engine } from '@kmemsim/core';
import type { Loop, Snapshot } from './sampler-loop.js';

/**
 * Adds what the machine did since the window's snapshot `w` (profile with its call paths, counters), scaled from the
 * window's span to dt: the skipped time's share. A skip decided at a round's end replays exactly the rounds
 * measured; one decided when a loop begins also replays the little run since (its time counted in the span).
 * @param e - the engine
 * @param w - the window's first snapshot
 * @param now - the latest snapshot
 * @param dt - the skipped time, cycles
 */
export function replayMachine(e: Engine, w: Snapshot, now: Snapshot, dt: number): void {
  const end = Math.max(now.time, e.current?.clock ?? now.time);
  const f = dt / Math.max(1, end - w.time);
  e.profiler.replay(w.profile, f);
  const v = e.counters.values;
  for (let i = 0; i < v.length; i++) v[i] += Math.round((v[i] - (w.counters[i] ?? 0)) * f);
}

/**
 * Charges a thread's skipped cycles `jump` to sys / user / idle as its recent measured cycles split.
 * @param l - the thread's loop (its recent cycles)
 * @param jump - the skipped cycles
 */
export function chargeJump(l: Loop, jump: number): void {
  const t = l.t;
  let y = 0;
  let ys = 0;
  let yu = 0;
  for (let i = 0; i < l.y.length; i++) {
    y += l.y[i];
    ys += l.ys[i];
    yu += l.yu[i];
  }
  const sys = y > 0 ? Math.round((ys / y) * jump) : jump;
  const user = y > 0 ? Math.round((yu / y) * jump) : 0;
  t.sysCycles += sys;
  t.userCycles += user;
  t.idleCycles += jump - sys - user;
}

/**
 * Mean loops done by the threads in loops of kind `tag`.
 * @param loops - every thread's current loop
 * @param tag - the loop kind
 */
export function meanDone(loops: Iterable<Loop>, tag: string): number {
  let sum = 0;
  let n = 0;
  for (const l of loops) {
    if (l.tag !== tag) continue;
    sum += l.done;
    n++;
  }
  return n === 0 ? 0 : sum / n;
}
