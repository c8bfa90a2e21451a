// 6.9 purge_vmap_node's loop over its purge list as a hand-written iterator (PoolFill), and the drain kworker's
// body (Driver) that runs it directly: each pooled area takes its node's pool_lock, a yield, and as a generator
// at the bottom of drain → purge → purgeNodes → toPools every such yield resumed five generators (400 k areas a
// purge at 64 CPUs). The same steps in the same order as the generator they replace: byte-identical.
import type { Op, Spinlock, Thread } from '@kmemsim/core';
import type { Gen } from '../types.js';
import type { VmapNodes } from './nodes.js';
import { OpIterator } from './op-iterator.js';
import type { PurgeHost } from './purge.js';
import type { VpnList } from './purge-lists.js';

/** What a generator under a Driver yields to have the Driver run its `active` iterator; the engine never sees it. */
export const HANDOFF: Op = {
  perform: () => {
    throw new Error('a purge handoff reached the engine');
  },
};

type Result = IteratorResult<Op | undefined, void>;
const FINISHED: Result = { done: true, value: undefined };

/**
 * A kworker's body: runs `gen`, and when `gen` yields HANDOFF, drives `active` until it ends, then resumes `gen`
 * (whose yield of HANDOFF returns): the same calls in the same order as `yield* active` inside `gen`.
 */
export class Driver extends OpIterator<void> {
  active: OpIterator<void> | null = null;

  constructor(private readonly gen: Gen) {
    super();
  }

  next(): Result {
    for (;;) {
      if (this.active !== null) {
        const r = this.active.next();
        if (!r.done) return r;
        this.active = null;
      }
      const r = this.gen.next();
      if (r.done || r.value !== HANDOFF) return r;
    }
  }

  /** Ends the body where it is (the engine never calls it; part of the Generator interface). */
  return(): Result {
    this.active = null;
    return this.gen.return();
  }
}

// Where a PoolFill resumes: at the next area, after the pool_lock of `lock` was granted, in reclaim, at the end.
const AREA = 0;
const LOCKED = 1;
const RECLAIM = 2;
const END = 3;

/**
 * The areas `i` … `to − 1` of (`vpn`, `len`, `home`), in order: a pool-sized area with a home node goes to that
 * node's pool under its pool_lock (if `populate`); any other is pushed on `back`. Then vmap_lazy_nr drops by
 * `pages` and reclaim_list_global (`reclaim`) returns `back`.
 */
export class PoolFill extends OpIterator<void> {
  private st = AREA;
  private lock: Spinlock | null = null;
  private sub: Gen | null = null;

  constructor(
    private readonly h: PurgeHost,
    private readonly reclaim: (t: Thread, back: VpnList) => Gen,
    private readonly t: Thread,
    private readonly nodes: VmapNodes,
    private readonly vpn: Float64Array,
    private readonly len: Int32Array,
    private readonly home: Int16Array,
    private i: number,
    private readonly to: number,
    private readonly back: VpnList,
    private readonly pages: number,
    private readonly populate: boolean,
  ) {
    super();
  }

  next(): Result {
    if (this.st === LOCKED) {
      const h = this.h;
      const i = this.i++;
      this.nodes.put(this.home[i], this.len[i], this.vpn[i]);
      this.t.spend(h.s.pool, h.p.poolLookupCycles);
      (this.lock as Spinlock).unlock(this.t);
      this.st = AREA;
    } else if (this.st === RECLAIM) return this.reclaimed();
    else if (this.st === END) return FINISHED;
    const { nodes, home, len } = this;
    for (; this.i < this.to; this.i++) {
      const n = home[this.i];
      if (this.populate && n >= 0 && nodes.pooled(len[this.i])) {
        this.lock = nodes.poolLock(n);
        this.st = LOCKED;
        return this.yield(this.lock.lock(this.t));
      }
      this.back.push(this.vpn[this.i]);
    }
    this.h.lazyNr -= this.pages;
    if (this.back.n === 0) {
      this.st = END;
      return FINISHED;
    }
    this.sub = this.reclaim(this.t, this.back);
    this.st = RECLAIM;
    return this.reclaimed();
  }

  /** Ends the loop where it is (the engine never calls it; part of the Generator interface). */
  return(): Result {
    this.st = END;
    this.sub = null;
    return FINISHED;
  }

  private reclaimed(): Result {
    const r = (this.sub as Gen).next();
    if (!r.done) return r;
    this.sub = null;
    this.st = END;
    return FINISHED;
  }
}
