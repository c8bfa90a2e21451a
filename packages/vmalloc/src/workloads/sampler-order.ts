// The order in which each thread began its cases (sampler.ts): a 6.9 skip needs every worker to have run the same
// cases in the same order.
import type { Thread } from '@kmemsim/core';

/**
 * The cases each thread has begun, in order (`|case|case…`). Where kworkers share the CPUs, a skip lays down none of
 * the drain's state and moves each worker by its own share, so the cases a worker runs after it meet the others at
 * other points of theirs: 6.9 at 16 CPUs × mask 7 × 200,000 loops in the shuffled order, a skip of long_busy's main
 * loop (workers at 3,053 to 56,468 of its loops) moved fix_size, run in detail by workers after it, −4.86 % from the
 * exact run and full_fit +4.19 % (its tear-down −18.8 %). In mask order only the skipped case's tear-down follows
 * it, and its case total holds (−0.04 % within ±3.4 %).
 */
export class CaseOrders {
  private readonly orders = new Map<Thread, string>();

  /** Thread `t` begins a loop of case `kase` (a case's phases count once). */
  note(t: Thread, kase: string): void {
    const order = this.orders.get(t) ?? '';
    if (!order.endsWith(`|${kase}`)) this.orders.set(t, `${order}|${kase}`);
  }

  /** Every thread of `members` has run the same cases in the same order (test_vmalloc's mask order). */
  same(members: Iterable<Thread>): boolean {
    let first: string | undefined;
    for (const t of members) {
      const o = this.orders.get(t) ?? '';
      if (first === undefined) first = o;
      else if (o !== first) return false;
    }
    return true;
  }
}
