// What a sampled run's printed bound is known not to cover, measured against --exact (issue 13). Printed beside
// the bound so a user does not read it as covering more than it does.
import type { VmapDesign } from '../designs/design.js';

/**
 * Designs that keep vm_structs in the address-sorted vmlist under vmlist_lock (2.6.27's allocator, the mirror of
 * 2.6.28–2.6.39): `__get_vm_area_node`'s insert and `remove_vm_area`'s unlink walk the list past every live area
 * below their own, so with many workers every phase waits on that lock (88–98 % of a loop's cycles at 64 CPUs,
 * 2.6.39) and its rate is the rank of the workers' areas in the list: the workers' lags frozen into the address
 * layout, a draw in the exact run that a skip keeps in step. The mirror designs' bound has a term for it
 * (arrangement-bound.ts: how far the walks lie from the workers-in-step ranks, per phase, times 2R − 1). Measured at
 * 64 CPUs × mask 7 × 1,000,000, mask order, against `--exact` through the library (vm-walk2, s19):
 * - 2.6.28: cases within, phases within but full_fit's main loop, −18.1 % against ±17.6 %: the exact run's loop costs
 *   22 % more per loop than the sampled run's, though its vmlist walks are as short (≈ 1,400 areas an insert at
 *   64 × 100,000, traced both ways); not the walks' arrangement, not found yet.
 * - 2.6.39: long_busy's main loop (and so its case) −24.3 % against ±18.5 %: its 1-page allocation lands, a third of
 *   the time, in a hole inside the set-up region, and the exact run's holes lie deeper (at 64 × 100,000 its inserts
 *   pass 755 k areas on average, the sampled run's 650 k: −14 %, the whole gap there) — the set-up laid down in step
 *   leaves them near the region's bottom. fix_size −20.9 % against ±44.7 %.
 * - 2.6.37: not measured at 64 CPUs × 1,000,000 (16 and 32 CPUs × 20,000 and 64 × 100,000 within).
 * - 2.6.27: its walks (first fit along vmlist, hole.ts) are not tallied: no term.
 */
const NOT_COVERED: Record<string, string> = {
  '2.6.27':
    'the bound does not cover how far apart the workers enter each phase (its vmlist first-fit walks; a skip keeps ' +
    'them in step); --exact on where it runs.',
  '2.6.28':
    "at 64 CPUs × mask 7 × 1,000,000, mask order, against --exact, full_fit's main loop came out −18.1 % against " +
    'its ±17.6 % (the exact loop costs more per loop, not by its vmlist walks); --exact on where it runs.',
  '2.6.37':
    "the bound covers the vmlist walks' distance from the workers in step as measured up to 64 CPUs × 100,000; " +
    'not checked at 1,000,000 loops, where 2.6.28 and 2.6.39 have a phase outside theirs; --exact on where it runs.',
  '2.6.39':
    "at 64 CPUs × mask 7 × 1,000,000, mask order, against --exact, long_busy's main loop (and case) came out −24.3 % " +
    'against ±18.5 %: its small allocations find holes deeper in the set-up region than the sampled run leaves ' +
    'them; --exact on where it runs.',
};

/** What a sampled run's bound does not cover for `design` with `nrThreads` workers (NOT_COVERED above), or null. */
export function arrangementCaveat(design: VmapDesign, nrThreads: number): string | null {
  if (design.vmlist === 'none' || nrThreads < 2) return null;
  const c = NOT_COVERED[design.name];
  return c === undefined ? null : `${design.name}: ${c}`;
}
