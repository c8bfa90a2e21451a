// The order a test_vmalloc worker runs its cases in. test_func() (lib/test_vmalloc.c) fills an array with the
// indices of the whole test_case_array, shuffles it with shuffle_array() unless sequential_test_order, and then
// walks it, skipping the cases run_test_mask does not select. shuffle_array() swaps arr[i] with arr[j],
// j = prandom_u32_max(i) in [0, i) for i = n−1 … 1: j never equals i (Sattolo's algorithm, a random cyclic
// permutation), so the selected cases' relative order is not uniform — e.g. bits 1 and 1024 run in mask order in
// 40 % of workers, not 50 % (Debian linux-source-6.1, lib/test_vmalloc.c shuffle_array, test_func).
import type { Rng } from '@kmemsim/core';

/**
 * test_case_array's length in the module version modelled: bits 1 … 512 (fix_size … kvfree_rcu_2_arg, ten entries in
 * 6.1) plus vm_map_ram_test (bit 1024), eleven entries. The unmodelled kvfree_rcu entries still take their places.
 */
export const CASE_ARRAY_LENGTH = 11;

/**
 * shuffle_array() on the indices 0 … n−1: a random cyclic permutation (j drawn in [0, i), never i).
 * @param rng - the worker's stream
 * @param n - the array length
 */
export function shuffleArray(rng: Rng, n: number): number[] {
  const a = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = rng.int(0, i - 1);
    const x = a[i];
    a[i] = a[j];
    a[j] = x;
  }
  return a;
}

/**
 * The positions (into `bits`, the selected cases' run_test_mask bits in array order) in the order one worker runs
 * them: array order when `sequential`, else test_func()'s walk of the shuffled whole array.
 * @param rng - the worker's stream (untouched when `sequential`)
 * @param bits - the selected cases' bits, ascending
 * @param sequential - sequential_test_order
 */
export function caseOrder(rng: Rng, bits: readonly number[], sequential: boolean): number[] {
  if (sequential) return bits.map((_, i) => i);
  const out: number[] = [];
  for (const index of shuffleArray(rng, CASE_ARRAY_LENGTH)) {
    const at = bits.indexOf(1 << index);
    if (at >= 0) out.push(at);
  }
  return out;
}
