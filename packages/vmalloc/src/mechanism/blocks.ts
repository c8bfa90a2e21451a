// vm_map_ram's per-CPU front end (2.6.28+): requests up to VMAP_MAX_ALLOC (= BITS_PER_LONG) pages come from
// per-CPU vmap blocks of VMAP_BBMAP_BITS pages, in power-of-two orders: found by bitmap_find_free_region (a scan
// from bit 0, naturally aligned; charged as such, found from a hint in wall time) or, from 3.15, a bump pointer.
// vb_free marks the range dirty — and, from 2.6.37, unmaps it at once; in 2.6.28 the PTEs stay until the block
// is purged — and a block whose every page is dirty is freed as one lazy area, so the purge's flush covers it.
// The allocator is reached only through BlockHost.
import type { Spinlock, Thread } from '@kmemsim/core';
import type { Machine } from '@kmemsim/mmu';
import type { PerCpuBlocks } from '../designs/design.js';
import type { Gen } from '../types.js';
import type { AreaTable } from './areas.js';
import type { MechanismParams } from './params.js';
import { vmallocSpaceGuessBytes } from './params.js';
import type { VmapCounters, VmapSymbols } from './symbols.js';

/** What the blocks need from the allocator they sit on. */
export interface BlockHost {
  readonly m: Machine;
  readonly p: MechanismParams;
  readonly s: VmapSymbols;
  readonly k: VmapCounters;
  readonly areas: AreaTable;
  /** Records a caller-visible area (the ledger's allocation); returns its handle. */
  issue(vpn: number, pages: number, reserved: number, block: number): number;
  /** alloc_vmap_area(VMAP_BLOCK_SIZE, VMAP_BLOCK_SIZE, …): the block's start or −1. */
  reserve(t: Thread, pages: number, align: number): Gen<number>;
  /** free_vmap_block → free_unmap_vmap_area_noflush: a lazy free of the block; `ptes`: pages still mapped. */
  lazyFree(t: Thread, vpn: number, pages: number, ptes: number): Gen;
  /** vunmap_page_range over [vpn, vpn + pages). */
  unmapPages(t: Thread, vpn: number, pages: number): void;
  /** vm_unmap_aliases' purge: waits for the purge lock and flushes [min, max) even with nothing lazy. */
  purgeForced(t: Thread, flush: boolean, min: number, max: number): Gen;
  /** mutex_lock(&vmap_purge_lock) (6.5+ vm_unmap_aliases holds it over its walk). */
  lockPurge(t: Thread): Gen;
  /** purgeForced with the purge lock already held (released at the end). */
  purgeLocked(t: Thread, flush: boolean, min: number, max: number): Gen;
}

export class VmapBlock {
  free: number;
  dirty = 0;
  dirtyMin: number;
  dirtyMax = 0;
  /** Every bit below `hint` is allocated (bitmap designs never clear allocation bits). */
  hint = 0;
  onFreeList = true;
  /** Dirty ranges still mapped (2.6.28 vb_free leaves PTEs until the block is purged or vm_unmap_aliases). */
  mappedDirty = 0;
  readonly allocMap: Uint32Array;
  readonly dirtyMap: Uint32Array;

  constructor(
    readonly index: number,
    readonly vpn: number,
    readonly cpu: number,
    readonly bits: number,
    readonly lock: Spinlock,
  ) {
    this.free = bits;
    this.dirtyMin = bits;
    this.allocMap = new Uint32Array(Math.ceil(bits / 32));
    this.dirtyMap = new Uint32Array(Math.ceil(bits / 32));
  }

  /** Allocations not yet vb_free'd. */
  get live(): number {
    return this.bits - this.free - this.dirty;
  }
}

export function isClear(map: Uint32Array, pos: number, n: number): boolean {
  for (let i = pos; i < pos + n; i++) if (map[i >>> 5] & (1 << (i & 31))) return false;
  return true;
}

export function setBits(map: Uint32Array, pos: number, n: number): void {
  for (let i = pos; i < pos + n; i++) map[i >>> 5] |= 1 << (i & 31);
}

/** VMAP_BBMAP_BITS = min(1024, max(2 · VMAP_MAX_ALLOC, VMALLOC_PAGES / NR_CPUS / 16)), C integer division. */
export function vmapBlockBits(wordBits: number, pageBytes: number, nrCpus: number, kind: PerCpuBlocks['bits']): number {
  const pages = Math.floor(vmallocSpaceGuessBytes(wordBits) / pageBytes);
  const cpus = kind === 'pow2-nr-cpus' ? 2 ** Math.ceil(Math.log2(Math.max(1, nrCpus))) : nrCpus;
  return Math.min(1024, Math.max(2 * wordBits, Math.floor(Math.floor(pages / cpus) / 16)));
}

/**
 * The per-CPU vmap blocks of vm_map_ram (2.6.28+): VMAP_BLOCK_SIZE blocks per CPU from which small requests are
 * carved by order, freed lazily and flushed by vm_unmap_aliases.
 */
export class VmapBlocks {
  /** VMAP_MAX_ALLOC = BITS_PER_LONG. */
  readonly maxAlloc: number;
  /** VMAP_BBMAP_BITS = VMAP_BLOCK_SIZE in pages. */
  readonly bits: number;
  /** vmap_block_tree: block index → block. */
  readonly tree = new Map<number, VmapBlock>();
  /** vmap_block_queue[cpu].free. */
  private readonly freeLists: VmapBlock[][];
  private readonly queueLocks: (Spinlock | null)[];
  private readonly treeLock: Spinlock;
  /** Blocks by handle (an area's `block`). */
  private readonly byIndex: (VmapBlock | undefined)[] = [];
  private nextIndex = 0;

  constructor(
    private readonly h: BlockHost,
    readonly kind: PerCpuBlocks,
    nrCpus: number,
    private readonly misalign = false,
  ) {
    const m = h.m;
    this.maxAlloc = m.arch.wordBits;
    this.bits = vmapBlockBits(m.arch.wordBits, m.arch.pageBytes, nrCpus, kind.bits);
    this.freeLists = Array.from({ length: m.cpus }, () => []);
    this.queueLocks = new Array(m.cpus).fill(null);
    this.treeLock = m.spinlock('vmap_block_tree_lock');
  }

  /** The block with handle `i` (an area's `block`), if it still exists. */
  block(i: number): VmapBlock | undefined {
    return this.byIndex[i];
  }

  private queueLock(cpu: number): Spinlock {
    this.queueLocks[cpu] ??= this.h.m.spinlock(`vmap_block_queue[${cpu}].lock`);
    return this.queueLocks[cpu];
  }

  /** vb_alloc(): an area handle. */
  *alloc(t: Thread, pages: number): Gen<number> {
    const h = this.h;
    const n = 1 << Math.ceil(Math.log2(Math.max(1, pages)));
    t.spend(h.s.vbAlloc, h.p.vbAllocCallCycles);
    for (;;) {
      const list = this.freeLists[t.cpu];
      let fragmented = false;
      for (let i = 0; i < list.length; i++) {
        const vb = list[i];
        // 6.5+: `if (READ_ONCE(vb->free) < (1UL << order)) continue;` before the lock (6.12:2842).
        if (this.kind.freeCheck === 'lockless' && vb.free < n) continue;
        yield vb.lock.lock(t);
        if (vb.free < n) {
          vb.lock.unlock(t);
          continue;
        }
        const pos = this.place(t, vb, n);
        if (pos < 0) {
          if (vb.live === 0) fragmented = true;
          vb.lock.unlock(t);
          continue;
        }
        setBits(vb.allocMap, pos, n);
        vb.free -= n;
        while (vb.hint < vb.bits && vb.allocMap[vb.hint >>> 5] & (1 << (vb.hint & 31))) vb.hint++;
        if (vb.free === 0) yield* this.unlist(t, vb);
        vb.lock.unlock(t);
        return h.issue(vb.vpn + pos, pages, n, vb.index);
      }
      // 2.6.37's purge of this CPU's fragmented blocks when a bitmap block has room but no aligned region; never
      // reached for bump designs (a block with free ≥ n fits), whose vb_alloc has no purge (6.1:2120–2170).
      if (fragmented && this.kind.purgeFragmented) yield* this.purgeFragmented(t, t.cpu);
      const made = yield* this.newBlock(t);
      if (!made) return -1;
    }
  }

  /** Where `n` pages go in `vb`, charging the search; −1 if nowhere. */
  private place(t: Thread, vb: VmapBlock, n: number): number {
    if (this.kind.alloc === 'bump') return vb.free >= n ? vb.bits - vb.free : -1;
    let pos = this.misalign ? vb.hint : Math.ceil(vb.hint / n) * n;
    while (pos + n <= vb.bits && !isClear(vb.allocMap, pos, n)) pos += this.misalign ? 1 : n;
    // The kernel's scan starts at bit 0 and checks every aligned region up to the one it takes.
    const checked = Math.min(pos, vb.bits - n) / n + 1;
    t.spend(this.h.s.vbAlloc, checked * this.h.p.bitmapRegionCheckCycles);
    return pos + n <= vb.bits ? pos : -1;
  }

  private *unlist(t: Thread, vb: VmapBlock): Gen {
    const q = this.queueLock(vb.cpu);
    yield q.lock(t);
    const list = this.freeLists[vb.cpu];
    list.splice(list.indexOf(vb), 1);
    vb.onFreeList = false;
    q.unlock(t);
  }

  /** new_vmap_block(): a block-aligned area from the allocator, in the tree and on this CPU's free list. */
  private *newBlock(t: Thread): Gen<boolean> {
    const h = this.h;
    t.spend(h.s.newBlock, h.p.newBlockCycles);
    const at = yield* h.reserve(t, this.bits, this.bits);
    if (at < 0) return false;
    const vb = new VmapBlock(this.nextIndex++, at, t.cpu, this.bits, h.m.spinlock(`vmap_block[${at}].lock`));
    this.byIndex[vb.index] = vb;
    yield this.treeLock.lock(t);
    this.tree.set(Math.floor(at / this.bits), vb);
    this.treeLock.unlock(t);
    const q = this.queueLock(t.cpu);
    yield q.lock(t);
    if (this.kind.newBlockAt === 'tail') this.freeLists[t.cpu].push(vb);
    else this.freeLists[t.cpu].unshift(vb);
    q.unlock(t);
    h.m.engine.counters.add(h.k.blocksNew);
    return true;
  }

  /** vm_unmap_ram() of a block allocation: mark dirty (2.6.37+: unmap first); free the block once all dirty. */
  *free(t: Thread, id: number): Gen {
    const h = this.h;
    const a = h.areas;
    const vpn = a.vpn[id];
    const vb = this.tree.get(Math.floor(vpn / this.bits));
    if (vb === undefined || vb.index !== a.block[id]) throw new Error(`vm_unmap_ram of page ${vpn}: no vmap block`);
    const size = a.reserved[id];
    const mapped = a.pfn[id] >= 0;
    if (this.kind.vbFreeLocks === 2) {
      // 6.4+: bitmap_clear(vb->used_map, …) under its own vb->lock trip before the unmap (6.12:2892–2894).
      yield vb.lock.lock(t);
      vb.lock.unlock(t);
    }
    if (this.kind.vbFree === 'unmap') h.unmapPages(t, vpn, a.pages[id]);
    t.spend(h.s.vbFree, h.p.vbFreeCycles);
    yield vb.lock.lock(t);
    const pos = vpn - vb.vpn;
    setBits(vb.dirtyMap, pos, size);
    vb.dirty += size;
    if (this.kind.vbFree === 'dirty-only' && mapped) vb.mappedDirty += size;
    if (pos < vb.dirtyMin) vb.dirtyMin = pos;
    if (pos + size > vb.dirtyMax) vb.dirtyMax = pos + size;
    const full = vb.dirty === vb.bits;
    vb.lock.unlock(t);
    if (full) yield* this.release(t, vb);
  }

  /** free_vmap_block(): out of the tree, its va freed lazily (2.6.37+: unmapped first). */
  private *release(t: Thread, vb: VmapBlock): Gen {
    const h = this.h;
    yield this.treeLock.lock(t);
    this.tree.delete(Math.floor(vb.vpn / this.bits));
    this.treeLock.unlock(t);
    this.byIndex[vb.index] = undefined;
    t.spend(h.s.freeBlock, h.p.freeBlockCycles);
    h.m.engine.counters.add(h.k.blocksFreed);
    if (this.kind.vbFree === 'unmap') {
      h.unmapPages(t, vb.vpn, vb.bits);
      yield* h.lazyFree(t, vb.vpn, vb.bits, 0);
    } else yield* h.lazyFree(t, vb.vpn, vb.bits, vb.bits);
  }

  /** purge_fragmented_blocks: blocks of `cpu` with no live allocation but free space left are released. */
  private *purgeFragmented(t: Thread, cpu: number): Gen {
    const list = this.freeLists[cpu];
    for (const vb of [...list]) {
      if (vb.live !== 0 || vb.dirty === vb.bits) continue;
      yield vb.lock.lock(t);
      yield* this.markPurged(t, vb);
      vb.lock.unlock(t);
      yield* this.release(t, vb);
    }
  }

  /** purge_fragmented_block's marking (vb->lock held): no more allocations, all dirty, off the free list. */
  private *markPurged(t: Thread, vb: VmapBlock): Gen {
    vb.free = 0;
    vb.dirty = vb.bits;
    vb.dirtyMin = 0;
    vb.dirtyMax = vb.bits;
    vb.allocMap.fill(0xffffffff);
    vb.dirtyMap.fill(0xffffffff);
    yield* this.unlist(t, vb);
    this.h.m.engine.counters.add(this.h.k.blocksFragmented);
  }

  /** purge_fragmented_blocks_allcpus: every CPU's fragmented blocks released (6.12:2810–2816). */
  *purgeFragmentedAll(t: Thread): Gen {
    for (let c = 0; c < this.freeLists.length; c++) yield* this.purgeFragmented(t, c);
  }

  /** vm_unmap_aliases(): flush (2.6.28: unmap first) every dirty range it reaches, then a forced purge over them. */
  *unmapAliases(t: Thread): Gen {
    const h = this.h;
    if (this.kind.aliasWalk === 'all-blocks') return yield* this.unmapAliasesAll(t);
    if (this.kind.purgeFragmented) yield* this.purgeFragmentedAll(t);
    let min = Number.POSITIVE_INFINITY;
    let max = Number.NEGATIVE_INFINITY;
    for (const vb of this.freeLists.flat()) {
      yield vb.lock.lock(t);
      this.aliasScan(t, vb);
      if (vb.dirty > 0) {
        if (this.kind.aliasUnmap) this.unmapDirty(t, vb);
        min = Math.min(min, vb.vpn + vb.dirtyMin);
        max = Math.max(max, vb.vpn + vb.dirtyMax);
      }
      vb.lock.unlock(t);
    }
    yield* h.purgeForced(t, max > min, min, max);
  }

  /**
   * 6.5+ _vm_unmap_aliases (6.12:2917–2966): under vmap_purge_lock, every block of every CPU; a fragmented block is
   * purged only below VMAP_PURGE_THRESHOLD = BITS / 4 free (purge_fragmented_block(vb, …, false), 6.12:2553,
   * 2761–2762), else a dirty range is taken once and reset so it is not flushed again (6.12:2940–2954); the purged
   * blocks are freed (6.12:2958), then the purge flushes the span.
   */
  private *unmapAliasesAll(t: Thread): Gen {
    const h = this.h;
    yield* h.lockPurge(t);
    let min = Number.POSITIVE_INFINITY;
    let max = Number.NEGATIVE_INFINITY;
    const purged: VmapBlock[] = [];
    for (const vb of [...this.tree.values()]) {
      yield vb.lock.lock(t);
      this.aliasScan(t, vb);
      if (vb.live === 0 && vb.dirty !== vb.bits && vb.free < vb.bits / 4) {
        yield* this.markPurged(t, vb);
        purged.push(vb);
      } else if (vb.dirtyMax > 0 && vb.dirty !== vb.bits) {
        min = Math.min(min, vb.vpn + vb.dirtyMin);
        max = Math.max(max, vb.vpn + vb.dirtyMax);
        vb.dirtyMin = vb.bits;
        vb.dirtyMax = 0;
      }
      vb.lock.unlock(t);
    }
    for (const vb of purged) yield* this.release(t, vb);
    yield* h.purgeLocked(t, max > min, min, max);
  }

  /** The alias walk's visit of one block (its lock held): the list step and the dirty-map scan. */
  private aliasScan(t: Thread, vb: VmapBlock): void {
    const p = this.h.p;
    t.spend(this.h.s.aliases, p.aliasScanCyclesPerBlock + (vb.bits / 64) * p.aliasScanCyclesPerWord);
  }

  /** 2.6.28 vm_unmap_aliases: vunmap_page_range over each dirty run of the block. */
  private unmapDirty(t: Thread, vb: VmapBlock): void {
    for (let i = vb.dirtyMin; i < vb.dirtyMax; ) {
      const s = i;
      while (i < vb.dirtyMax && vb.dirtyMap[i >>> 5] & (1 << (i & 31))) i++;
      if (i > s) this.h.unmapPages(t, vb.vpn + s, i - s);
      while (i < vb.dirtyMax && !(vb.dirtyMap[i >>> 5] & (1 << (i & 31)))) i++;
    }
    vb.mappedDirty = 0;
  }

  /** Dirty pages of live blocks whose PTEs still map something (2.6.28's vb_free leaves them). */
  forEachMappedDirty(f: (vpn: number) => void): void {
    for (const vb of this.tree.values()) {
      if (vb.mappedDirty === 0) continue;
      for (let i = vb.dirtyMin; i < vb.dirtyMax; i++) if (vb.dirtyMap[i >>> 5] & (1 << (i & 31))) f(vb.vpn + i);
    }
  }

  /** Bitmap consistency of every live block. */
  check(isBusy: (vpn: number) => boolean): string[] {
    const out: string[] = [];
    for (const vb of this.tree.values()) {
      const used = popcount(vb.allocMap);
      if (this.kind.alloc === 'bitmap-scan' && used !== vb.bits - vb.free)
        out.push(`block ${vb.vpn}: ${used} bits allocated, free says ${vb.free}`);
      if (popcount(vb.dirtyMap) !== vb.dirty) out.push(`block ${vb.vpn}: dirty count ${vb.dirty} ≠ dirty map`);
      for (let i = 0; i < vb.allocMap.length; i++) {
        if ((vb.dirtyMap[i] & ~vb.allocMap[i]) !== 0) out.push(`block ${vb.vpn}: dirty bits not allocated`);
      }
      if (!isBusy(vb.vpn)) out.push(`block ${vb.vpn} is not a busy area`);
      if (vb.onFreeList !== vb.free > 0) out.push(`block ${vb.vpn}: on free list ${vb.onFreeList}, free ${vb.free}`);
    }
    const a = this.h.areas;
    for (const id of a.liveIds()) {
      const vb = a.block[id] < 0 ? undefined : this.byIndex[a.block[id]];
      if (a.block[id] < 0) continue;
      if (vb === undefined) {
        out.push(`live area ${id} names a freed block`);
        continue;
      }
      const pos = a.vpn[id] - vb.vpn;
      if (!isClear(vb.dirtyMap, pos, a.reserved[id])) out.push(`live area ${id} has dirty bits`);
      for (let i = pos; i < pos + a.reserved[id]; i++) {
        if (!(vb.allocMap[i >>> 5] & (1 << (i & 31)))) out.push(`live area ${id} is not allocated in its block`);
      }
      if (this.kind.alloc === 'bitmap-scan' && pos % a.reserved[id] !== 0)
        out.push(`block area ${id} at bit ${pos} is not aligned to its order (${a.reserved[id]} pages)`);
    }
    return out;
  }
}

function popcount(map: Uint32Array): number {
  let c = 0;
  for (let w of map) {
    w >>>= 0;
    while (w) {
      w &= w - 1;
      c++;
    }
  }
  return c;
}
