// The 2024 design's per-node vmap pools (6.9 [U]): nodes = online CPUs capped at 128; an address belongs to node
// (addr / 16 pages) mod nodes; each node keeps its busy areas and lazy areas under its own locks. A CPU allocates
// from node (cpu mod nodes)'s pools first; purged areas of up to 256 pages go back to the pool of the node that
// allocated them [U] instead of the global free tree, so the next allocation of that size takes one without the
// global lock. Each purge returns a quarter of every pool. With one node there are no pools.
import type { Spinlock } from '@kmemsim/core';
import type { Machine } from '@kmemsim/mmu';
import type { MechanismParams } from './params.js';

export class VmapNodes {
  readonly count: number;
  /** Busy areas per node (its rbtree size). */
  readonly busy: Int32Array;
  /** pools[node].get(size) → starts of purged areas of that size, most recent last. */
  readonly pools: Map<number, number[]>[];
  private readonly busyLocks: (Spinlock | null)[];
  private readonly lazyLocks: (Spinlock | null)[];
  private readonly poolLocks: (Spinlock | null)[];

  constructor(
    readonly m: Machine,
    readonly p: MechanismParams,
  ) {
    this.count = Math.min(m.cpus, p.poolNodesMax);
    this.busy = new Int32Array(this.count);
    this.pools = Array.from({ length: this.count }, () => new Map());
    this.busyLocks = new Array(this.count).fill(null);
    this.lazyLocks = new Array(this.count).fill(null);
    this.poolLocks = new Array(this.count).fill(null);
  }

  /** addr_to_node(). */
  of(vpn: number): number {
    return Math.floor(vpn / this.p.poolHashPages) % this.count;
  }

  /** The node whose pools a CPU allocates from. [U] this CPU's id modulo the node count. */
  home(cpu: number): number {
    return cpu % this.count;
  }

  busyLock(node: number): Spinlock {
    this.busyLocks[node] ??= this.m.spinlock(`vmap_node[${node}].busy.lock`);
    return this.busyLocks[node];
  }

  lazyLock(node: number): Spinlock {
    this.lazyLocks[node] ??= this.m.spinlock(`vmap_node[${node}].lazy.lock`);
    return this.lazyLocks[node];
  }

  poolLock(node: number): Spinlock {
    this.poolLocks[node] ??= this.m.spinlock(`vmap_node[${node}].pool_lock`);
    return this.poolLocks[node];
  }

  /** Takes a pooled area of exactly `size` pages whose start satisfies `align`, or −1. */
  take(node: number, size: number, align: number): number {
    const list = this.pools[node].get(size);
    if (list === undefined || list.length === 0) return -1;
    const at = list[list.length - 1];
    if (align > 1 && at % align !== 0) return -1;
    list.pop();
    return at;
  }

  put(node: number, size: number, vpn: number): void {
    let list = this.pools[node].get(size);
    if (list === undefined) {
      list = [];
      this.pools[node].set(size, list);
    }
    list.push(vpn);
  }

  /** decay_va_pool_node: removes len >> shift areas (the oldest) from every pool; returns them with sizes. */
  decay(): { vpn: number; size: number }[] {
    const out: { vpn: number; size: number }[] = [];
    for (const pools of this.pools) {
      for (const [size, list] of pools) {
        const n = list.length >> this.p.poolDecayShift;
        for (const vpn of list.splice(0, n)) out.push({ vpn, size });
      }
    }
    return out;
  }

  pooledPages(): number {
    let n = 0;
    for (const pools of this.pools) for (const [size, list] of pools) n += size * list.length;
    return n;
  }
}
