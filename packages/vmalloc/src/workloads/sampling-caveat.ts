// What a sampled run's printed bound is known not to cover, measured against --exact (issue 13). Printed beside
// the bound so a user does not read it as covering more than it does.
import type { VmapDesign } from '../designs/design.js';

/**
 * Designs that keep vm_structs in the address-sorted vmlist under vmlist_lock (2.6.27's allocator, the mirror of
 * 2.6.28–2.6.39): `__get_vm_area_node`'s insert and `remove_vm_area`'s unlink walk the list past every live area
 * below their own, so with many workers every phase waits on that lock (88–98 % of a loop's cycles at 64 CPUs,
 * 2.6.39) and its rate is the rank of the workers' areas in the list: the workers' lags frozen into the address
 * layout, a draw in the exact run that a skip keeps in step. The mirror designs' bound has a term for it
 * (arrangement-bound.ts: how far the walks lie from the workers-in-step ranks, per phase, times 2R − 1; 2.6.39 also
 * how deep the holes its cached search takes could lie). Measured at 64 CPUs × mask 7 × 1,000,000, mask order,
 * against `--exact` through the library (vm-walk2 s19, vm-vmlist3 s20):
 * - 2.6.28: cases within, phases within but full_fit's main loop, −18.1 % against ±17.6 %: its cost is set by how
 *   many of fix_size's lazily freed areas are left when fix_size ends (purged in free-junk, they leave a hole at the
 *   bottom that the main loop's allocations fill before they spill into the junk holes above the ptr[] areas), and
 *   fix_size's skip places the lazy queue to within a purge cycle only. Exact, 64 CPUs, mask order: 208 M cycles a
 *   loop (vmlist inserts at rank 1,400) at 100,000 loops (mask 7), 307 M (rank 8,900) at 100,224 (mask 3) — half a
 *   purge cycle of fix_size frees more; 362 M at 1,000,000. Not the walks' arrangement.
 * - 2.6.37: not measured at 64 CPUs × 1,000,000 (16 and 32 CPUs × 20,000 and 64 × 100,000 within); it has 2.6.28's
 *   walk from VMALLOC_START, so the same full_fit main loop.
 * - 2.6.39: every case and phase within (long_busy's main loop −24.3 % against ±67.1 %, with the hole term) —
 *   no caveat.
 * - 2.6.27: its walks (first fit along vmlist, hole.ts) are not tallied: no term.
 */
const NOT_COVERED: Record<string, string> = {
  '2.6.27':
    'the bound does not cover how far apart the workers enter each phase (its vmlist first-fit walks; a skip keeps ' +
    'them in step); --exact on where it runs.',
  '2.6.28':
    "at 64 CPUs × mask 7 × 1,000,000, mask order, against --exact, full_fit's main loop came out −18.1 % against " +
    "its ±17.6 %: its cost is set by how many of fix_size's lazy areas are left when fix_size ends (208 M cycles a " +
    "loop exact at 100,000 loops, 307 M at 100,224), which fix_size's skip places to within a purge cycle only; " +
    '--exact on where it runs.',
  '2.6.37':
    "the bound covers the vmlist walks' distance from the workers in step as measured up to 64 CPUs × 100,000; " +
    "not checked at 1,000,000 loops, where 2.6.28's full_fit main loop, which 2.6.37 shares, is outside its bound; " +
    '--exact on where it runs.',
};

/** What a sampled run's bound does not cover for `design` with `nrThreads` workers (NOT_COVERED above), or null. */
export function arrangementCaveat(design: VmapDesign, nrThreads: number): string | null {
  if (design.vmlist === 'none' || nrThreads < 2) return null;
  const c = NOT_COVERED[design.name];
  return c === undefined ? null : `${design.name}: ${c}`;
}
