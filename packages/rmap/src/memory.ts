// The simulated machine's physical memory as the rmap paths see it: kernel frames (page tables, pte_chain pages,
// slab pages, mem_map) at byte addresses with a home NUMA node, and user pages (pfns) that have a node and a
// struct page in their node's mem_map. The cache model follows every access to these addresses. User pages' own
// contents are never addressed: clearing or copying them is charged by bandwidth only (their cache pollution is
// not modelled).
import type { CacheModel } from '@kmemsim/mmu';

const SEGMENT_FRAMES = 512; // mem_map is placed 2 MiB at a time on its node

/**
 * The machine's physical memory as the rmap paths see it: kernel frames at byte addresses with a home NUMA node,
 * and user pages (pfns) with a node and a struct page in that node's mem_map.
 */
export class KernelMemory {
  private nextFrame = 1; // frame 0 stays unused so that address 0 means "none"
  private readonly freeFrames: number[][];
  private readonly freePfns: number[][];
  private nextPfn = 0;
  /** Per pfn: NUMA node of the page. */
  pageNode = new Int8Array(1024);
  /** Per pfn: address of its struct page. */
  structPage = new Float64Array(1024);
  private readonly segBase: number[];
  private readonly segUsed: number[];
  private readonly perSegment: number;
  /** Kernel frames allocated and not freed. */
  framesInUse = 0;

  constructor(
    readonly cache: CacheModel,
    readonly pageBytes: number,
    readonly structPageBytes: number,
    /** Expected user pages (arrays are sized for them at once; they still grow beyond). */
    pfnHint = 1024,
  ) {
    if (pfnHint > this.pageNode.length) this.growPfns(pfnHint);
    const n = cache.nodes;
    this.freeFrames = Array.from({ length: n }, () => []);
    this.freePfns = Array.from({ length: n }, () => []);
    this.segBase = new Array(n).fill(0);
    this.segUsed = new Array(n).fill(0);
    this.perSegment = Math.floor((SEGMENT_FRAMES * pageBytes) / structPageBytes);
    for (let i = 0; i < n; i++) this.segUsed[i] = this.perSegment;
  }

  /** NUMA nodes (1 without NUMA). */
  get nodes(): number {
    return this.cache.nodes;
  }

  /** A kernel frame on `node` (most recently freed first, as the buddy allocator's hot pages); its address. */
  frame(node: number): number {
    this.framesInUse++;
    const f = this.freeFrames[node];
    if (f.length > 0) return f.pop() as number;
    const addr = this.nextFrame++ * this.pageBytes;
    this.cache.setHome(addr, this.pageBytes, node);
    return addr;
  }

  /** Returns a kernel frame (by its address) to its node's free list. */
  freeFrame(addr: number): void {
    this.framesInUse--;
    this.freeFrames[this.cache.homeOf(addr)].push(addr);
  }

  /** A user page on `node`; its struct page sits in that node's mem_map. */
  allocPfn(node: number): number {
    const f = this.freePfns[node];
    if (f.length > 0) return f.pop() as number;
    const pfn = this.nextPfn++;
    if (pfn >= this.pageNode.length) this.growPfns(pfn + 1);
    this.pageNode[pfn] = node;
    if (this.segUsed[node] === this.perSegment) {
      const base = this.nextFrame * this.pageBytes;
      this.nextFrame += SEGMENT_FRAMES;
      this.cache.setHome(base, SEGMENT_FRAMES * this.pageBytes, node);
      this.segBase[node] = base;
      this.segUsed[node] = 0;
    }
    this.structPage[pfn] = this.segBase[node] + this.segUsed[node]++ * this.structPageBytes;
    return pfn;
  }

  /** Returns a user page to its node's free list (its struct page stays where it is). */
  freePfn(pfn: number): void {
    this.freePfns[this.pageNode[pfn]].push(pfn);
  }

  /** Pfns handed out so far (every pfn below this has existed). */
  get pfnsAllocated(): number {
    return this.nextPfn;
  }

  /** Pfns the per-pfn arrays hold now (they grow on demand). */
  get pfnCapacity(): number {
    return this.pageNode.length;
  }

  private growPfns(min: number): void {
    const n = Math.max(min, this.pageNode.length * 2);
    const a = new Int8Array(n);
    a.set(this.pageNode);
    this.pageNode = a;
    const b = new Float64Array(n);
    b.set(this.structPage);
    this.structPage = b;
  }
}
