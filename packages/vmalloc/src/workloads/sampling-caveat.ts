// What a sampled run's printed bound is known not to cover, measured against --exact (issue 13). Printed beside
// the bound so a user does not read it as covering more than it does.
import type { VmapDesign } from '../designs/design.js';

/**
 * Designs that keep vm_structs in the address-sorted vmlist under vmlist_lock (2.6.27's allocator, the mirror of
 * 2.6.28–2.6.39): `__get_vm_area_node`'s insert and `remove_vm_area`'s unlink walk the list past every live area
 * below their own, so with many workers every phase waits on that lock (88–98 % of a loop's cycles at 64 CPUs,
 * 2.6.39) and its rate is the rank of the workers' areas in the list: the workers' lags frozen into the address
 * layout, a draw in the exact run that a skip keeps in step. The mirror designs' bound has a term for it
 * (arrangement-bound.ts: the walks' arrangement-dependent cycles, measured per phase, times 2R − 1). Measured at 64
 * CPUs × mask 7 × 1,000,000, mask order, against `--exact` through the library:
 * - 2.6.28: every case and phase within its bound (tear-downs −81.9 / −63.9 % against about ±900 %): no caveat.
 * - 2.6.39: cases within (fix_size −20.9 %, long_busy −24.3 % against ±42 %), but fix_size's phase −20.9 %
 *   against ±9.2 % and long_busy's main loop −24.3 % against ±21.9 %: the tail where the late workers wait behind
 *   the early ones' next phase (set-up walks growing with their position), far longer in the exact run than the
 *   sampled run's tail scaled by 2R − 1.
 * - 2.6.37: not measured at 64 CPUs (16 and 32 CPUs × 20,000 within).
 * - 2.6.27: its walks (first fit along vmlist, hole.ts) are not tallied: no term.
 */
const NOT_COVERED: Record<string, string> = {
  '2.6.27':
    'the bound does not cover how far apart the workers enter each phase (its vmlist first-fit walks; a skip keeps ' +
    'them in step); --exact on where it runs.',
  '2.6.37':
    "the bound covers the vmlist walks past other workers' areas as measured at 16–32 CPUs × 20,000; not checked " +
    'at 64 CPUs, where 2.6.39 has two phases outside theirs; --exact on where it runs.',
  '2.6.39':
    "the bound covers the vmlist walks past other workers' areas, not the tail where the late workers wait behind " +
    "the early ones' next phase: at 64 CPUs × mask 7 × 1,000,000, mask order, the cases within, but per phase " +
    "fix_size −20.9 % against ±9.2 % and long_busy's main loop −24.3 % against ±21.9 %; --exact on where it runs.",
};

/** What a sampled run's bound does not cover for `design` with `nrThreads` workers (NOT_COVERED above), or null. */
export function arrangementCaveat(design: VmapDesign, nrThreads: number): string | null {
  if (design.vmlist === 'none' || nrThreads < 2) return null;
  const c = NOT_COVERED[design.name];
  return c === undefined ? null : `${design.name}: ${c}`;
}
