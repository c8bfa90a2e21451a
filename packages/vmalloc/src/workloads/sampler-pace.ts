// Each worker's own pace over a skip of a steady loop that lays down its state (sampler-ff.ts) under the walk from
// VMALLOC_START (2.6.28, 2.6.37), issue 13. Those loops skip without a drift walk, so at the pooled rate every worker
// did the same loops and the skip put them back in step. In the exact run they are not: whoever wins
// try_purge_vmap_area_lazy's trylock runs __purge_vmap_area_lazy (its vmap_area_lock hold and flush) inside its own
// loop and falls behind, purge after purge. Measured (vm-pace; 2.6.28, 64 CPUs × mask 3 × 100,000, mask order, each
// worker's clock at every 1 % of its loops): CPUs 0 and 1 run every purge and end fix_size 78.6 G cycles behind the
// other 62 workers (who end within 0.003 G of each other), their lag growing with every purge (0.30 / 2.48 / 11.3 /
// 27.6 G at 10 / 46 / 73 / 91 % of the loops), and in full_fit's main loop the same two fall behind 0.23 G per 1 % of
// it; the sampled run's skips (pooled rate) ended fix_size with them 1.9 G behind, and full_fit's main loop with them
// in step. Which CPUs purge is the FIFO lock's rotation (vm-rhythm, s21; partly the engine's tie-break there), so the
// lag is a per-worker rate that holds from round to round, and a worker's own rate over its last rounds is its rate
// over the skip; the pace follows whatever the rounds show, so a run whose purges spread paces no one.
import { loopsIn } from './sampler-growth.js';
import type { Loop, Rate } from './sampler-loop.js';

/**
 * A steady loop laying down its state under the walk from VMALLOC_START (2.6.28, 2.6.37: its lay-down measures the
 * purge's slip, sampler-ff.ts `SlipMeter`), whose skip gets no drift walk. There the purger is always the same CPUs
 * (vm-rhythm: 222 of 222 purges at 64 × 100,000). Not 2.6.39, whose purger is a draw (docs/vmalloc-speed-history.md: it falls ≈ 35 loops
 * behind, whoever it is): paced, its window's recent purger was carried as a lasting pace, and 2.6.39 at 64 × mask 7
 * × 1,000,000 (mask order) put fix_size +28,948 % off the exact run (±1,291 %).
 */
function paced(l: Loop): boolean {
  return l.fast === null && l.steady?.slip !== undefined && l.y.length > 0;
}

/**
 * Each paced loop's share of its kind's skipped loops (sampler-decide.ts `skipLoops`, `skipSpan`): 1 plus its pace's
 * departure from its kind's mean, where its pace is its own loops per cycle over its `last` kept cycles (the rounds
 * the kind's rate is measured over, not every kept one: a worker that entered the phase late first catches up —
 * 2.6.28 at 64 × mask 3 × 100,000, CPUs 0 and 1 entered full_fit's main loop 288 G cycles behind and were 16 G behind
 * after 1 % of it — and that pace, carried over a skip of the whole phase, put them 18,000 G ahead at 1,000,000).
 * A window's ends are the thread's loop boundaries after the rounds' events, up to a loop off the event each, so a
 * pace over n loops is known to 2/n only: the departure counts beyond that (soft threshold), and the departures are
 * centred so the kind's total stays the pooled one. Without it, 2.6.28's long_busy main loop (exact: every worker
 * within one loop of the others over each eighth of the phase) was paced by its round-end jitter, and its workers
 * left it 5,600 G cycles apart (exact 420 G). Loops with a share already (`shares`: sampler-round.ts `stallShares`)
 * keep theirs; a kind with one thread has share 1.
 */
export function paceShares(
  loops: Iterable<Loop>,
  shares: Map<Loop, number>,
  last: number,
  gaps: Map<Loop, number>,
): Map<Loop, number> {
  const pace = new Map<Loop, { p: number; n: number }>();
  const sum = new Map<string, { p: number; k: number; done: number; d: number }>();
  for (const l of loops) {
    if (!paced(l) || shares.has(l)) continue;
    let y = 0;
    let n = 0;
    for (let i = Math.max(0, l.y.length - last); i < l.y.length; i++) {
      y += l.y[i];
      n += l.n[i];
    }
    if (!(y > 0) || !(n > 0)) continue;
    pace.set(l, { p: n / y, n });
    const s = sum.get(l.tag) ?? { p: 0, k: 0, done: 0, d: 0 };
    s.p += n / y;
    s.k++;
    s.done += l.done;
    sum.set(l.tag, s);
  }
  const dep = new Map<Loop, number>();
  for (const [l, { p, n }] of pace) {
    const s = sum.get(l.tag) as { p: number; k: number; done: number; d: number };
    const d = (p * s.k) / s.p - 1;
    const beyond = Math.sign(d) * Math.max(0, Math.abs(d) - 2 / n);
    dep.set(l, beyond);
    s.d += beyond;
  }
  for (const [l, d] of dep) {
    const s = sum.get(l.tag) as { p: number; k: number; done: number; d: number };
    shares.set(l, s.k > 1 ? 1 + d - s.d / s.k : 1);
    gaps.set(l, s.done / s.k - l.done);
  }
  return shares;
}

/**
 * The share a paced worker skips with (`paceShares`), kept from carrying it across its kind's mean position: a
 * worker behind the others that runs faster is closing its gap, and one ahead that runs slower is falling back to
 * them; over the skip each may reach the mean, not pass it. In the exact runs the workers' order holds and a
 * laggard's catch-up ends at the pack (2.6.28, 64 CPUs × mask 7 × 100,000: CPUs 0 and 1 entered long_busy's main
 * loop 2,246 / 2,145 G cycles behind and left it 112 G behind; paced without this, CPU 1's fast rounds of catch-up
 * carried it 9,926 G ahead, and long_busy's tear-down came out +4,682 %). A worker falling further behind (the
 * purger) or pulling ahead keeps its pace.
 * @param gaps - per paced loop, its kind's mean loops done less its own (`paceShares`)
 */
export function keepOrder(
  l: Loop,
  shares: ReadonlyMap<Loop, number>,
  gaps: ReadonlyMap<Loop, number>,
  r: Rate,
  dt: number,
): number {
  const s = shares.get(l) ?? 1;
  const g = gaps.get(l);
  if (g === undefined) return s;
  const k = loopsIn(r, l.done, dt);
  if (!(k > 0)) return s;
  if (g > 0 && s > 1) return Math.min(s, 1 + g / k);
  if (g < 0 && s < 1) return Math.max(s, 1 + g / k);
  return s;
}
