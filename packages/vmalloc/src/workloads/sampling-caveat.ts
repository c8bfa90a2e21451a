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
 * - 2.6.28: every case and phase within since vm-pace (s22, sampler-pace.ts: a skip of its lay-down main loops keeps
 *   each worker at its own pace). Before it, full_fit's main loop came out −18.1 % against ±17.6 % (exact 362 M
 *   cycles a loop, sampled 297 M): its cost is set by the hole fix_size's lazy leftover leaves at the bottom (exact,
 *   64 CPUs × mask 3, mask order, 100,000–100,500 loops: 194 M + 2.2e-7 × S² cycles a loop, S the spill of a
 *   28,735-area purge batch past the leftover), which the skip lays down as the exact run does (7,155 areas at 1 M in
 *   both), but in the exact run CPUs 0 and 1 run every purge and fall behind the others linearly (≈ 220 frees at
 *   100,000, 2,230 at 1 M) and the main loop behaves as if the hole were smaller; the pooled skip put them back in
 *   step (vm-vmlist4 s21). Paced: −11.5 % against ±27.8 %; cases +0.01 / −0.63 / +2.44 % within ±37.8 / ±37.8 /
 *   ±43.7 % (lead, s22, 22.8 s of CPU) — no caveat. Also within: 64 × 100,000 mask order, 16 and 32 × 20,000 both
 *   orders (vm-pace).
 * - 2.6.37: every case and phase within since vm-pace: at 1 M full_fit's main loop −5.7 % against ±122.8 % (was
 *   −19.5 % against ±17.7 %: 369 M cycles a loop exact, 297 M sampled, for 2.6.28's cause, CPU 0 running every
 *   purge), cases −0.00 / −0.45 / −18.0 % within ±60.6 / ±60.6 / ±68.9 % (lead, s22, against vm-vmlist4's exact
 *   run, 862 s of CPU) — no caveat. Also within: 16 and 32 × 20,000 mask order (vm-pace).
 * - 2.6.39: every case and phase within (long_busy's main loop −24.3 % against ±67.1 %, with the hole term) —
 *   no caveat.
 * - 2.6.27: its walks are tallied since vm-vmlist5 (s22: __get_vm_area_node's first fit and remove_vm_area's unlink,
 *   mechanism/vmlist-legacy.ts), so its phases carry the term. Before vm-6927 (s23), at 64 × 100,000 and
 *   64 × 1,000,000 (mask order) the full_fit and long_busy tear-downs were out: 55× and 42–48× the exact run's
 *   (+5,426 / +4,139 % at 1 M against ±1,722 / ±837 %), the sampled workers leaving the skipped full_fit set-up
 *   1.37e13 cycles apart (exact: 9.7e10, 64 × mask 3 × 100,000). Since vm-6927 its skips keep the workers in
 *   vmlist_lock's rotation (sampler-build.ts `buildsOnOneLock`, SamplingOptions.inStepEnds; 1.30e12 apart): every case
 *   and phase within at 16 and 32 × 20,000 both orders and 64 × 100,000 mask order (tear-downs +97 / +76 % against
 *   ±1,973 / ±825 %), and at 64 × 1,000,000 mask order (cases −0.00 / −12.5 / −0.04 % within ±236 / ±35.3 /
 *   ±6.8 %, tear-downs +97.0 / +76.0 % within ±3,028 / ±1,986 %; exact 1,050 s of CPU) — no caveat.
 *   Since core-rwlock-era (s24) vmlist_lock is the era's biased rwlock (a seeded draw at each release, not FIFO):
 *   every case and phase within at 16 and 32 × 20,000 both orders and 64 × 100,000 mask order (cases −4.5 / +0.01 /
 *   −0.02 % within ±1,301 / ±7.9 / ±9.4 %, tear-downs −8.8 / −7.0 % within ±117 / ±292 %; exact 280 s of CPU,
 *   sampled 136 s). Its per-loop costs vary more, so it skips less (the shuffled order at 16–32 × 20,000 not at all).
 */
const NOT_COVERED: Record<string, string> = {};

/** What a sampled run's bound does not cover for `design` with `nrThreads` workers (NOT_COVERED above), or null. */
export function arrangementCaveat(design: VmapDesign, nrThreads: number): string | null {
  if (design.vmlist === 'none' || nrThreads < 2) return null;
  const c = NOT_COVERED[design.name];
  return c === undefined ? null : `${design.name}: ${c}`;
}
