// 6.9's vmap nodes (mm/vmalloc.c vmap_node): nr_vmap_nodes = CPUs capped at 128 on 64-bit, 1 on 32-bit; a
// busy area lives on node (addr / 16 pages) mod nodes under that node's busy lock; a lazily freed one on the node
// it was allocated for (its vn_id), or by address, under the node's lazy lock; a CPU allocates from node
// (cpu mod nodes)'s per-size pool (≤ 256 pages) under its pool_lock; a purge returns pool-sized areas to their
// node's pool, after decaying every pool by a quarter of its newest entries (all of a pool of 1–3). With one node
// there are no pools.
import type { Spinlock } from '@kmemsim/core';
import type { Machine } from '@kmemsim/mmu';
import type { MechanismParams } from './params.js';
import { VpnList } from './purge-lists.js';

export class VmapNodes {
  readonly count: number;
  /** Busy areas per node (the size of its rbtree). */
  readonly busy: Int32Array;
  /** pools[node][size] → starts of pooled areas of that size, oldest first (the kernel list's tail first). */
  private readonly pools: (Pool | undefined)[][];
  /** Each node's pool sizes in the order they were first filled: the order a decay visits them (decayNode). */
  private readonly sizes: number[][];
  private readonly locks: (Spinlock | null)[];
  /** Areas on each node's lazy tree, counted since the purge numbered `lazyTaken` detached the lists. */
  private readonly lazyCount: Int32Array;
  private readonly lazyTaken: Float64Array;
  /** addr_to_node by bits: log2 of the hash's pages, and count − 1 (−1: not both powers of two, divide). */
  private readonly shift: number;
  private readonly bits: number;

  constructor(
    readonly m: Machine,
    readonly p: MechanismParams,
  ) {
    // vmap_init_nodes (6.12:5184–5211): more than one node only `#if BITS_PER_LONG == 64`; a 32-bit kernel keeps
    // nr_vmap_nodes = 1 (6.12:956), so node_alloc returns NULL (6.12:1980–1982): no pools, no purge helpers.
    this.count = m.arch.wordBits === 64 ? Math.min(m.cpus, p.poolNodesMax) : 1;
    this.busy = new Int32Array(this.count);
    this.pools = Array.from({ length: this.count }, () => []);
    this.sizes = Array.from({ length: this.count }, () => []);
    this.locks = new Array(this.count * 3).fill(null);
    this.lazyCount = new Int32Array(this.count);
    this.lazyTaken = new Float64Array(this.count);
    const hash = p.poolHashPages;
    this.shift = Math.log2(hash);
    const pow2 = (x: number) => Number.isInteger(Math.log2(x));
    this.bits = pow2(hash) && pow2(this.count) && hash * this.count <= 2 ** 32 ? this.count - 1 : -1;
  }

  /**
   * addr_to_node(). With the hash's pages and the node count powers of two (16 pages; 64 CPUs), the node is bits
   * [shift, shift + log2 count) of the page number, which its low 32 bits (`>>> 0`, no division) hold. Else
   * `k % count` of a page number's hash is a call to fmod in V8 (the number is above 2^31); for an
   * integer 0 ≤ k < 2^52 the floor of the rounded quotient is exact, so the difference is the same value.
   */
  of(vpn: number): number {
    if (this.bits >= 0 && vpn >= 0 && vpn < 2 ** 53) return ((vpn >>> 0) >>> this.shift) & this.bits;
    const k = Math.floor(vpn / this.p.poolHashPages);
    const n = this.count;
    return k >= 0 && k < 2 ** 52 ? k - Math.floor(k / n) * n : k % n;
  }

  /** node_alloc: raw_smp_processor_id() % nr_vmap_nodes. */
  home(cpu: number): number {
    return cpu % this.count;
  }

  /**
   * free_vmap_area_noflush's insert_vmap_area(va, &vn->lazy.root, …) (6.12:2433): the areas already on `node`'s
   * lazy tree (none if a purge has detached the lists since: `taken` = LazyQueue.taken has moved), then counts
   * this one.
   */
  lazyInsert(node: number, taken: number): number {
    if (this.lazyTaken[node] !== taken) {
      this.lazyTaken[node] = taken;
      this.lazyCount[node] = 0;
    }
    return this.lazyCount[node]++;
  }

  /** Pools exist (more than one node) and the request is pool-sized. */
  pooled(size: number): boolean {
    return this.count > 1 && size <= this.p.poolMaxPages;
  }

  // The lock's name is built only when the lock is made: these run several times per vmap/vunmap at 1,024 CPUs.
  busyLock(node: number): Spinlock {
    return this.locks[node * 3] ?? this.make(node * 3, `vmap_node[${node}].busy.lock`);
  }

  lazyLock(node: number): Spinlock {
    return this.locks[node * 3 + 1] ?? this.make(node * 3 + 1, `vmap_node[${node}].lazy.lock`);
  }

  poolLock(node: number): Spinlock {
    return this.locks[node * 3 + 2] ?? this.make(node * 3 + 2, `vmap_node[${node}].pool_lock`);
  }

  private make(i: number, name: string): Spinlock {
    const lock = this.m.spinlock(name);
    this.locks[i] = lock;
    return lock;
  }

  /** node_pool_del_va's check before pool_lock: `if (!vp || list_empty(&vp->head)) return NULL;` (6.12:1934). */
  has(node: number, size: number): boolean {
    const p = this.pools[node][size];
    return p !== undefined && p.n > 0;
  }

  /**
   * node_pool_del_va (6.12:1925–1965): the head of the exact-size pool (the newest) if it satisfies `align`; else
   * −1, the head moved to the tail (`list_move_tail`, 6.12:1957) so the next request sees the next entry.
   */
  take(node: number, size: number, align: number): number {
    const p = this.pools[node][size];
    if (p === undefined || p.n === 0) return -1;
    const at = p.a[--p.n];
    if (align > 1 && at % align !== 0) {
      p.unshift(at);
      return -1;
    }
    return at;
  }

  put(node: number, size: number, vpn: number): void {
    let p = this.pools[node][size];
    if (p === undefined) {
      p = new Pool();
      this.pools[node][size] = p;
      this.sizes[node].push(size);
    }
    p.push(vpn);
  }

  /**
   * decay_va_pool_node (6.12:2188–2233): each pool gives back `len >> shift` entries (all with `full`) from its
   * list head, i.e. the newest (pools are LIFO: list_add 6.12:1917, list_first_entry 6.12:1939). `n_decay` is an
   * unsigned long (6.12:2193) tested with `if (!--n_decay) break;` (6.12:2220): at 0 it wraps, so a pool of 1–3
   * entries goes back whole. Calls back with each entry, newest first; every node in turn ({@link decayNode}).
   */
  decay(full: boolean, out: (vpn: number, size: number) => void): void {
    for (let node = 0; node < this.count; node++) this.decayNode(node, full, out);
  }

  /**
   * decay_va_pool_node of one node: __purge_vmap_area_lazy calls it per node (6.12:2327), and each call ends in its
   * own reclaim_list_global (6.12:2234), so the detailed purge returns each node's decayed areas under its own
   * free_vmap_area_lock hold (purge.ts). The pools are visited in the order their sizes were first filled, not by
   * size index as the kernel's `for (i = 0; i < MAX_VA_SIZE_PAGES; i++)`: the same entries leave, and the free
   * space takes them back in one batch either way.
   */
  decayNode(node: number, full: boolean, out: (vpn: number, size: number) => void): void {
    const pools = this.pools[node];
    for (const size of this.sizes[node]) {
      const p = pools[size] as Pool;
      const len = p.n;
      if (len === 0) continue;
      const n = full ? len : len >> this.p.poolDecayShift || len;
      for (let i = len - 1; i >= len - n; i--) out(p.a[i], size);
      p.n = len - n;
    }
  }

  pooledPages(): number {
    let n = 0;
    this.forEachPool((size, p) => {
      n += size * p.n;
    });
    return n;
  }

  /** Every pooled area (checks). */
  forEachPooled(f: (vpn: number, size: number) => void): void {
    this.forEachPool((size, p) => {
      for (let i = 0; i < p.n; i++) f(p.a[i], size);
    });
  }

  private forEachPool(f: (size: number, p: Pool) => void): void {
    for (let node = 0; node < this.count; node++)
      for (const size of this.sizes[node]) f(size, this.pools[node][size] as Pool);
  }
}

/**
 * One node's pool of one size: area starts, oldest first, the newest at `n − 1` (a stack in a typed array that
 * keeps its room: pools fill and drain by millions of areas in full_fit, where a JS array was trimmed and regrown).
 */
class Pool extends VpnList {
  constructor() {
    super(16);
  }

  /** `vpn` in front of the oldest. */
  unshift(vpn: number): void {
    if (this.n === this.a.length) this.grow();
    this.a.copyWithin(1, 0, this.n);
    this.a[0] = vpn;
    this.n++;
  }
}
