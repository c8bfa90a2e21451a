// A set-up's growth model: its rate per loop rises with the log of the state it built (a tree one level deeper
// per doubling, a cache level further), fitted per doubling by the sampler (sampler-rate.ts); a skip takes the
// middle of the rate's bracket, from its present value to that plus the growth of the doublings skipped. A set-up
// that walks a list of every area before it (`setUpWalksList`) grows linearly instead: a line (sampler-linear.ts).
import type { VmapDesign } from '../designs/design.js';
import type { Rate } from './sampler-loop.js';

/**
 * Whether a design's set-ups walk a list of every area set up so far, so their rate per loop grows linearly in
 * their position (sampler-linear.ts `setUpLine`), not with its log: 2.6.27's __get_vm_area_node walks vmlist
 * from its head (`vmlist-first-fit`), 2.6.28's alloc_vmap_area follows rb_next past every area below the hole
 * (`rbtree-walk`), and the vmlist mirror of 2.6.28–3.9 is walked from its head by insert_vmalloc_vm for each new
 * vm_struct (`vmlist: 'mirror'`). 5.2's augmented free tree and 6.9 have none of these: a tree one level deeper
 * per doubling.
 */
export function setUpWalksList(d: Pick<VmapDesign, 'holeSearch' | 'vmlist'>): boolean {
  return d.vmlist !== 'none' || d.holeSearch === 'vmlist-first-fit' || d.holeSearch === 'rbtree-walk';
}

/**
 * Whether a design's vfree walks a list of the areas below the one it frees: 2.6.27's remove_vm_area searches vmlist
 * from its head, and 2.6.28–3.9's unlinks the vm_struct from the address-sorted vmlist mirror the same way
 * (sources-mm.md §3.1–3.2, vmlist.ts `remove`). A free loop whose targets ascend over areas kept live below them
 * (test_vmalloc's free-junk: junk_ptr[i] freed in order while ptr[0..i] stay) then costs a + b·x in its position.
 */
export function freeWalksList(d: Pick<VmapDesign, 'vmlist'>): boolean {
  return d.vmlist !== 'none';
}

/**
 * A loop kind's mean rate over `k` loops from position `x`: a set-up's the middle of its growth model's bracket,
 * a tear-down or a list-walk set-up fitted as a line (sampler-linear.ts) the line's value at the middle of the k
 * loops.
 */
export function setUpRate(r: Rate, x: number, k: number): number {
  if (!Number.isNaN(r.slope)) return k <= 0 ? r.c : Math.max(r.c / 2, r.c + (r.slope * k) / 2);
  return Number.isNaN(r.growth) || x <= 0 || k <= 0 ? r.c : r.c + (r.growth * Math.log2((x + k) / x)) / 2;
}

/** Loops from position `x` that take `dt` at the loop kind's rate (a set-up's grows with the loops skipped). */
export function loopsIn(r: Rate, x: number, dt: number): number {
  if (Number.isNaN(r.slope) && (Number.isNaN(r.growth) || x <= 0)) return dt / r.c;
  // k · setUpRate(k) grows with k: bisection between none and dt at the present rate (or at half of it).
  let lo = 0;
  let hi = dt / Math.min(r.c, setUpRate(r, x, dt / r.c));
  for (let i = 0; i < 40; i++) {
    const mid = (lo + hi) / 2;
    if (mid * setUpRate(r, x, mid) < dt) lo = mid;
    else hi = mid;
  }
  return lo;
}
