// State-building loops that take one lock once per loop, granted in FIFO (ticket) order, advance in step: in each
// round of the lock every worker gets it once, so between two instants each does the same number of loops, and the
// lags between them (set when they entered the loop) stay as they were. A skip therefore gives every such worker of
// one phase the same count. Without this, each worker's count came from the set-up's growth model at its own
// position: 2.6.39 at 16 CPUs × mask 7 × 2,000, counts within one skip 8,603–8,637, and the workers' lags at the
// end of full_fit's set-up 5–12 loops against 0–4 in the exact run (long_busy: up to 563 against 335); the phases
// after it, whose workers end together on the lock, were charged that spread (full_fit main loop +27 %).
import type { VmapDesign } from '../designs/design.js';
import type { Loop } from './sampler-loop.js';
import type { MixedShare } from './sampler-mixed.js';

/**
 * Marks a state-building loop as one whose iterations each take the allocator's lock once, granted in FIFO order
 * (vmap_area_lock, a ticket spinlock, once per vmalloc / vfree of test_vmalloc's set-ups and tear-downs).
 */
export function lockstep(l: Loop): void {
  l.lockstep = true;
}

/**
 * Whether a design's set-ups and tear-downs take one FIFO lock once per loop with nothing else that parts the
 * workers: 2.6.27's vmlist is the allocator, so every vmalloc write-locks vmlist_lock in __get_vm_area_node and every
 * vfree in remove_vm_area (sources-mm.md §3.1), and it has no purger to draw a lag. That rwlock is the era's biased
 * one (VmapDesign.rwlock: no queue, a seeded draw at each release), so its workers advance in step only on average:
 * each gets one turn per round of the others as a mean, not in rotation (checked against --exact, core-rwlock-era s24,
 * sampler-instep.test.ts). Without this (each worker's count from the log growth model at
 * its own position, which gives the one behind fewer loops) 2.6.27's full_fit set-up at 64 CPUs × mask 3 × 100,000
 * (mask order) left the workers' loop counts 89 apart at the first skip and 166 at the seventh, and their clocks
 * 1.37e13 cycles apart at its end (the last worker's 180 loops of full-list walks after the first had left).
 */
export function buildsOnOneLock(d: Pick<VmapDesign, 'vmlist'>): boolean {
  return d.vmlist === 'allocator';
}

/**
 * Loops the first-ending loop of a skip still runs in detail after it where the workers advance in step on one lock
 * (SamplingOptions.inStepEnds): every worker's last loops then meet the others' and their flushes as in the exact
 * run, and the next phase begins with the lock's rotation, not one worker alone. A sampler choice, not a kernel
 * figure: one loop left a worker that ended the phase first the others' last flush IPIs short (it began full_fit's
 * set-up ≈ 60 loops ahead, 64 CPUs × mask 3, mask order); two is the least that leaves one whole round after the jump.
 */
export const IN_STEP_TAIL = 2;

/**
 * A decided skip of state-building loops: the loops of one phase marked `lockstep` all skip the smallest count any
 * of them was given (the same number of lock rounds each), their error terms scaled with their counts. Others are
 * left as decided.
 */
export function keepInStep(builds: MixedShare[]): void {
  const least = new Map<string, number>();
  for (const b of builds) {
    if (!b.l.lockstep || b.l.pendingK !== b.k) continue;
    least.set(b.l.tag, Math.min(least.get(b.l.tag) ?? b.k, b.k));
  }
  for (const b of builds) {
    const k = least.get(b.l.tag);
    if (k === undefined || !b.l.lockstep || b.l.pendingK !== b.k || b.k <= k) continue;
    b.l.pendingErr *= k / b.k;
    b.l.pendingK = k;
    b.k = k;
  }
}
