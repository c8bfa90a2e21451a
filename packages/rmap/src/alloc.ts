// pte_chain allocation of each era, with the memory it touches: the 2.4 rmap / 2.5.27 global freelist under one
// spinlock, the 2.5 slab (per-CPU arrays, a shared pool behind the cache lock, slab pages grown on the allocating
// CPU's node), and 2.5.55's per-CPU one-deep cache in front of the slab. Objects are addresses in kernel frames, so
// reuse order decides which lines (and which NUMA node) a chain lands on.
import type { AllocKind } from './eras.js';
import type { KernelMemory } from './memory.js';
import type { RmapCosts } from './params.js';
import { S } from './tally.js';

/** What an allocator needs from the running system: the CPU, costed memory accesses, frames. */
export interface AllocCtx {
  /** CPU running the current path. */
  readonly cpu: number;
  /** Kernel memory: frames for refills. */
  readonly mem: KernelMemory;
  /** The rmap costs in effect. */
  readonly c: RmapCosts;
  /** CPUs of the machine (per-CPU caches). */
  readonly cpus: number;
  /** A load at kernel address `addr`, its cache cost charged to symbol `sym`. */
  rd(sym: number, addr: number): void;
  /** A store at `addr`, charged to `sym`. */
  wr(sym: number, addr: number): void;
  /** An atomic read-modify-write at `addr`, charged to `sym`. */
  at(sym: number, addr: number): void;
  /** `cycles` of plain work charged to `sym`. */
  add(sym: number, cycles: number): void;
}

/** A pte_chain object allocator of one era (freelist, slab, per-CPU cache), costed through its AllocCtx. */
export interface NodeAllocator {
  /** One pte_chain object: its kernel address (a refill may take a frame). */
  take(): number;
  /** Returns one object. */
  give(addr: number): void;
  /** Phillips' batch: up to n objects in one go (one lock / one irq-off section). */
  takeBatch(n: number, out: number[]): void;
  /** Returns several objects in one go. */
  giveBatch(addrs: number[]): void;
  /** Bytes of kernel memory holding pte_chain objects (whole pages). */
  readonly pageBytesInUse: number;
  /** The most `pageBytesInUse` has been. */
  readonly peakPageBytes: number;
}

/** A LIFO of object addresses in a typed array. */
class Stack {
  a = new Float64Array(256);
  n = 0;
  push(x: number): void {
    if (this.n === this.a.length) {
      const b = new Float64Array(this.a.length * 2);
      b.set(this.a);
      this.a = b;
    }
    this.a[this.n++] = x;
  }
  pop(): number {
    return this.a[--this.n];
  }
}

/** 2.4 rmap / 2.5.27: pte_chain_freelist under pte_chain_freelist_lock, refilled a page at a time. */
class FreelistAllocator implements NodeAllocator {
  private readonly free = new Stack();
  /** The lock and the list head: two globals in one line of the kernel's data (node 0). */
  private readonly lock: number;
  private pages = 0;
  peakPageBytes = 0;

  constructor(
    private readonly x: AllocCtx,
    private readonly objBytes: number,
  ) {
    this.lock = x.mem.frame(0);
  }

  get pageBytesInUse(): number {
    return this.pages * this.x.mem.pageBytes;
  }

  private refill(): void {
    const x = this.x;
    const pb = x.mem.pageBytes;
    const page = x.mem.frame(x.mem.cache.nodeOf(x.cpu));
    this.pages++;
    this.peakPageBytes = Math.max(this.peakPageBytes, this.pageBytesInUse);
    x.add(S.pte_chain_alloc, x.c.pageAllocCycles);
    // alloc_new_pte_chains: link every node of the page onto the list (writes each line of the page).
    const n = Math.floor(pb / this.objBytes);
    for (let i = 0; i < n; i++) this.free.push(page + i * this.objBytes);
    for (let off = 0; off < pb; off += 32) x.wr(S.pte_chain_alloc, page + off);
  }

  private popLocked(): number {
    if (this.free.n === 0) this.refill();
    const a = this.free.pop();
    this.x.rd(S.pte_chain_alloc, a); // pte_chain_freelist = pte_chain->next
    return a;
  }

  take(): number {
    const x = this.x;
    x.at(S.pte_chain_alloc, this.lock);
    const a = this.popLocked();
    x.wr(S.pte_chain_alloc, this.lock); // head update + spin_unlock (a plain store)
    x.add(S.pte_chain_alloc, x.c.freelistCycles);
    return a;
  }

  takeBatch(n: number, out: number[]): void {
    const x = this.x;
    x.at(S.pte_chain_alloc, this.lock);
    for (let i = 0; i < n; i++) out.push(this.popLocked());
    x.wr(S.pte_chain_alloc, this.lock);
    x.add(S.pte_chain_alloc, x.c.freelistCycles * n);
  }

  give(addr: number): void {
    const x = this.x;
    x.at(S.pte_chain_free, this.lock);
    x.wr(S.pte_chain_free, addr); // pte_chain->next = pte_chain_freelist
    this.free.push(addr);
    x.wr(S.pte_chain_free, this.lock);
    x.add(S.pte_chain_free, x.c.freelistCycles);
  }

  giveBatch(addrs: number[]): void {
    const x = this.x;
    x.at(S.pte_chain_free, this.lock);
    for (const a of addrs) {
      x.wr(S.pte_chain_free, a);
      this.free.push(a);
    }
    x.wr(S.pte_chain_free, this.lock);
    x.add(S.pte_chain_free, x.c.freelistCycles * addrs.length);
  }
}

/** The 2.5 slab: per-CPU arrays (limit / batchcount), a shared pool behind the cache's spinlock, on-slab pages. */
class SlabAllocator implements NodeAllocator {
  private readonly local: Stack[];
  /** Per CPU: address of its array_cache (header line, then the entries). */
  private readonly ac: number[];
  private readonly pool = new Stack();
  private readonly lock: number;
  private readonly perSlab: number;
  private readonly firstObj: number;
  private pages = 0;
  peakPageBytes = 0;

  constructor(
    private readonly x: AllocCtx,
    private readonly objBytes: number,
    private readonly zeroCtor: boolean,
  ) {
    const c = x.c;
    this.lock = x.mem.frame(0);
    this.local = Array.from({ length: x.cpus }, () => new Stack());
    this.ac = Array.from({ length: x.cpus }, (_, cpu) => x.mem.frame(x.mem.cache.nodeOf(cpu)));
    const pb = x.mem.pageBytes;
    this.perSlab = Math.floor((pb - c.slabHeaderBytes) / (objBytes + c.slabBufctlBytes));
    this.firstObj = pb - this.perSlab * objBytes;
  }

  get pageBytesInUse(): number {
    return this.pages * this.x.mem.pageBytes;
  }

  private grow(): void {
    const x = this.x;
    const page = x.mem.frame(x.mem.cache.nodeOf(x.cpu));
    this.pages++;
    this.peakPageBytes = Math.max(this.peakPageBytes, this.pageBytesInUse);
    x.add(S.kmem_cache_grow, x.c.pageAllocCycles);
    // Slab header and bufctl array (and, 2.5.55+, the zeroing constructor over every object) are written.
    const end = this.zeroCtor ? x.mem.pageBytes : this.firstObj;
    for (let off = 0; off < end; off += 32) x.wr(S.kmem_cache_grow, page + off);
    for (let i = this.perSlab - 1; i >= 0; i--) this.pool.push(page + this.firstObj + i * this.objBytes);
  }

  private refill(cpu: number): void {
    const x = this.x;
    x.at(S.cache_alloc_refill, this.lock);
    const n = x.c.slabBatch;
    const l = this.local[cpu];
    for (let i = 0; i < n; i++) {
      if (this.pool.n === 0) this.grow();
      l.push(this.pool.pop());
    }
    x.add(S.cache_alloc_refill, n * x.c.slabRefillPerObjectCycles);
    x.wr(S.cache_alloc_refill, this.lock);
  }

  private flush(cpu: number): void {
    const x = this.x;
    const l = this.local[cpu];
    const n = x.c.slabBatch;
    x.at(S.cache_flusharray, this.lock);
    // The oldest batchcount entries (bottom of the array) go back to their slabs; the rest move down.
    for (let i = 0; i < n; i++) this.pool.push(l.a[i]);
    l.a.copyWithin(0, n, l.n);
    l.n -= n;
    x.add(S.cache_flusharray, n * x.c.slabRefillPerObjectCycles);
    x.wr(S.cache_flusharray, this.lock);
  }

  take(): number {
    const x = this.x;
    const cpu = x.cpu;
    const l = this.local[cpu];
    x.add(S.kmem_cache_alloc, x.c.irqSaveCycles + x.c.slabObjectCycles);
    x.rd(S.kmem_cache_alloc, this.ac[cpu]);
    if (l.n === 0) this.refill(cpu);
    x.rd(S.kmem_cache_alloc, this.ac[cpu] + 16 + (l.n - 1) * 4);
    x.wr(S.kmem_cache_alloc, this.ac[cpu]);
    return l.pop();
  }

  give(addr: number): void {
    const x = this.x;
    const cpu = x.cpu;
    const l = this.local[cpu];
    x.add(S.kmem_cache_free, x.c.irqSaveCycles + x.c.slabObjectCycles);
    x.rd(S.kmem_cache_free, this.ac[cpu]);
    if (l.n >= x.c.slabLimit) this.flush(cpu);
    x.wr(S.kmem_cache_free, this.ac[cpu] + 16 + l.n * 4);
    x.wr(S.kmem_cache_free, this.ac[cpu]);
    l.push(addr);
  }

  takeBatch(n: number, out: number[]): void {
    for (let i = 0; i < n; i++) out.push(this.take());
    // One irq-off section for the batch instead of one per object.
    this.x.add(S.kmem_cache_alloc, -(n - 1) * this.x.c.irqSaveCycles);
  }

  giveBatch(addrs: number[]): void {
    for (const a of addrs) this.give(a);
    if (addrs.length > 1) this.x.add(S.kmem_cache_free, -(addrs.length - 1) * this.x.c.irqSaveCycles);
  }
}

/** 2.5.55+: pte_chain_alloc takes the per-CPU local_pte_chain if there is one, else the slab; free refills it. */
class PercpuAllocator implements NodeAllocator {
  private readonly slot: number[];
  private readonly held: Float64Array;

  constructor(
    private readonly x: AllocCtx,
    private readonly slab: SlabAllocator,
  ) {
    this.slot = Array.from({ length: x.cpus }, (_, cpu) => x.mem.frame(x.mem.cache.nodeOf(cpu)));
    this.held = new Float64Array(x.cpus);
  }

  get pageBytesInUse(): number {
    return this.slab.pageBytesInUse;
  }

  get peakPageBytes(): number {
    return this.slab.peakPageBytes;
  }

  take(): number {
    const x = this.x;
    x.rd(S.pte_chain_alloc, this.slot[x.cpu]);
    const a = this.held[x.cpu];
    if (a !== 0) {
      this.held[x.cpu] = 0;
      x.wr(S.pte_chain_alloc, this.slot[x.cpu]);
      return a;
    }
    return this.slab.take();
  }

  give(addr: number): void {
    const x = this.x;
    x.wr(S.pte_chain_free, addr); // __pte_chain_free zeroes next_and_idx
    x.rd(S.pte_chain_free, this.slot[x.cpu]);
    if (this.held[x.cpu] === 0) {
      this.held[x.cpu] = addr;
      x.wr(S.pte_chain_free, this.slot[x.cpu]);
      return;
    }
    this.slab.give(addr);
  }

  takeBatch(n: number, out: number[]): void {
    for (let i = 0; i < n; i++) out.push(this.take());
  }

  giveBatch(addrs: number[]): void {
    for (const a of addrs) this.give(a);
  }
}

/** The allocator of an era for objects of `objBytes`. */
export function createAllocator(kind: AllocKind, x: AllocCtx, objBytes: number): NodeAllocator {
  if (kind === 'freelist') return new FreelistAllocator(x, objBytes);
  if (kind === 'slab') return new SlabAllocator(x, objBytes, false);
  return new PercpuAllocator(x, new SlabAllocator(x, objBytes, true));
}
