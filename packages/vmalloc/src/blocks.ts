// vm_map_ram's per-CPU front end (2.6.28): requests up to VMAP_MAX_ALLOC (= BITS_PER_LONG) pages come from
// per-CPU vmap blocks of VMAP_BBMAP_BITS pages, handed out in power-of-two orders found by
// bitmap_find_free_region (a scan from bit 0: charged as such, found from a hint in wall time). Freed ranges
// are only marked in the dirty map — their PTEs are cleared, their TLB entries stay — and the block is never
// reused: once every page is dirty it is freed as one lazy area, so the lazy purge's flush covers it.
// vm_unmap_aliases walks every block's dirty map and forces a purge with a flush.
import type { Spinlock, Thread } from '@kmemsim/core';
import type { LazyVmap } from './lazy.js';
import type { Gen, VmArea, VmapBlockRef } from './types.js';
import { VmapError } from './types.js';

export class VmapBlock implements VmapBlockRef {
  free: number;
  dirty = 0;
  dirtyMin: number;
  dirtyMax = 0;
  /** Every bit below `hint` is allocated (allocation bits are never cleared in this design). */
  hint = 0;
  onFreeList = true;
  readonly allocMap: Uint32Array;
  readonly dirtyMap: Uint32Array;

  constructor(
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
}

function isFree(map: Uint32Array, pos: number, n: number): boolean {
  for (let i = pos; i < pos + n; i++) if (map[i >>> 5] & (1 << (i & 31))) return false;
  return true;
}

function setBits(map: Uint32Array, pos: number, n: number): void {
  for (let i = pos; i < pos + n; i++) map[i >>> 5] |= 1 << (i & 31);
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

export class VmapBlocks {
  /** VMAP_MAX_ALLOC = BITS_PER_LONG. */
  readonly maxAlloc: number;
  /** VMAP_BBMAP_BITS = VMAP_BLOCK_SIZE in pages. */
  readonly bits: number;
  /** vmap_block_tree (a radix tree keyed on address / block size): block index → block. */
  readonly tree = new Map<number, VmapBlock>();
  private readonly freeLists: VmapBlock[][];
  private readonly queueLocks: (Spinlock | null)[];
  private readonly treeLock: Spinlock;
  private readonly k: { made: number; freed: number };

  constructor(readonly host: LazyVmap) {
    const m = host.m;
    this.maxAlloc = m.arch.wordBits;
    const vmallocPages = Math.floor(m.arch.vmallocBytes / m.arch.pageBytes);
    const per = Math.floor(vmallocPages / 2 ** Math.ceil(Math.log2(m.cpus)) / 16);
    this.bits = Math.min(1024, Math.max(2 * this.maxAlloc, 2 ** Math.floor(Math.log2(Math.max(1, per)))));
    this.freeLists = Array.from({ length: m.cpus }, () => []);
    this.queueLocks = new Array(m.cpus).fill(null);
    this.treeLock = m.spinlock('vmap_block_tree_lock');
    const c = m.engine.counters;
    this.k = {
      made: c.id('vmap.blocks_new', 'per-CPU vmap blocks created'),
      freed: c.id('vmap.blocks_freed', 'fully dirty vmap blocks freed as lazy areas'),
    };
  }

  private queueLock(cpu: number): Spinlock {
    this.queueLocks[cpu] ??= this.host.m.spinlock(`vmap_block_queue[${cpu}].lock`);
    return this.queueLocks[cpu];
  }

  /** vb_alloc(). */
  *alloc(t: Thread, pages: number): Gen<VmArea> {
    const h = this.host;
    const order = Math.ceil(Math.log2(Math.max(1, pages)));
    const n = 1 << order;
    t.spend(h.s.vbAlloc, h.p.vbAllocCallCycles);
    for (;;) {
      const list = this.freeLists[t.cpu];
      for (let i = 0; i < list.length; i++) {
        const vb = list[i];
        yield vb.lock.lock(t);
        if (vb.free < n) {
          vb.lock.unlock(t);
          continue;
        }
        let pos = Math.ceil(vb.hint / n) * n;
        while (pos < vb.bits && !isFree(vb.allocMap, pos, n)) pos += n;
        // The kernel's scan starts at bit 0 and checks every aligned region up to the one it takes.
        t.spend(h.s.vbAlloc, (Math.min(pos, vb.bits - n) / n + 1) * h.p.bitmapRegionCheckCycles);
        if (pos >= vb.bits) {
          vb.lock.unlock(t);
          continue;
        }
        setBits(vb.allocMap, pos, n);
        vb.free -= n;
        while (vb.hint < vb.bits && vb.allocMap[vb.hint >>> 5] & (1 << (vb.hint & 31))) vb.hint++;
        if (vb.free === 0) {
          const q = this.queueLock(t.cpu);
          yield q.lock(t);
          list.splice(list.indexOf(vb), 1);
          vb.onFreeList = false;
          q.unlock(t);
        }
        vb.lock.unlock(t);
        return this.host.issueBlockArea(vb.vpn + pos, pages, n, vb);
      }
      yield* this.newBlock(t);
    }
  }

  /** new_vmap_block(): a block-aligned area from the lazy allocator, in the tree and at the head of the queue. */
  private *newBlock(t: Thread): Gen {
    const h = this.host;
    t.spend(h.s.newBlock, h.p.newBlockCycles);
    const at = yield* h.reserve(t, this.bits, this.bits);
    if (at < 0) throw new VmapError(`${h.impl}: no vmalloc space for a ${this.bits}-page vmap block`);
    const vb = new VmapBlock(at, t.cpu, this.bits, h.m.spinlock(`vmap_block[${at}].lock`));
    yield this.treeLock.lock(t);
    this.tree.set(at / this.bits, vb);
    this.treeLock.unlock(t);
    const q = this.queueLock(t.cpu);
    yield q.lock(t);
    this.freeLists[t.cpu].unshift(vb);
    q.unlock(t);
    h.m.engine.counters.add(this.k.made);
  }

  /** vm_unmap_ram() of a block allocation: unmap, mark dirty, free the block when it is all dirty. */
  *free(t: Thread, a: VmArea): Gen {
    const h = this.host;
    const vb = this.tree.get(Math.floor(a.vpn / this.bits));
    if (vb === undefined || vb !== a.block) throw new VmapError(`vm_unmap_ram of ${a.vpn}: no vmap block`);
    h.retireArea(a);
    h.unmapArea(t, a);
    t.spend(h.s.vbFree, h.p.vbFreeCycles);
    yield vb.lock.lock(t);
    const pos = a.vpn - vb.vpn;
    setBits(vb.dirtyMap, pos, a.reserved);
    vb.dirty += a.reserved;
    vb.dirtyMin = Math.min(vb.dirtyMin, pos);
    vb.dirtyMax = Math.max(vb.dirtyMax, pos + a.reserved);
    const full = vb.dirty === vb.bits;
    vb.lock.unlock(t);
    if (!full) return;
    yield this.treeLock.lock(t);
    this.tree.delete(vb.vpn / this.bits);
    this.treeLock.unlock(t);
    t.spend(h.s.freeBlock, h.p.freeBlockCycles);
    h.m.engine.counters.add(this.k.freed);
    t.spend(h.s.unmap, h.p.pageTableWalkCycles);
    yield* h.lazyFree(t, vb.vpn, vb.bits);
  }

  /** vm_unmap_aliases' walk: the [min, max) of every dirty range in every CPU's blocks. */
  *flushDirty(t: Thread): Gen<{ any: boolean; min: number; max: number }> {
    const h = this.host;
    let min = Number.POSITIVE_INFINITY;
    let max = Number.NEGATIVE_INFINITY;
    let any = false;
    for (const vb of this.tree.values()) {
      yield vb.lock.lock(t);
      t.spend(h.s.aliases, h.p.aliasScanCyclesPerBlock + (vb.bits / 64) * h.p.aliasScanCyclesPerWord);
      if (vb.dirty > 0) {
        any = true;
        t.spend(h.s.unmap, h.p.pageTableWalkCycles);
        min = Math.min(min, vb.vpn + vb.dirtyMin);
        max = Math.max(max, vb.vpn + vb.dirtyMax);
      }
      vb.lock.unlock(t);
    }
    return { any, min, max };
  }

  /** Bitmap consistency of every live block. */
  check(): string[] {
    const out: string[] = [];
    for (const vb of this.tree.values()) {
      const used = popcount(vb.allocMap);
      if (used !== vb.bits - vb.free) out.push(`block ${vb.vpn}: ${used} bits allocated, free says ${vb.free}`);
      if (popcount(vb.dirtyMap) !== vb.dirty) out.push(`block ${vb.vpn}: dirty count ${vb.dirty} ≠ dirty map`);
      for (let i = 0; i < vb.allocMap.length; i++) {
        if ((vb.dirtyMap[i] & ~vb.allocMap[i]) !== 0) out.push(`block ${vb.vpn}: dirty bits not allocated`);
      }
      if (!this.host.space.isBusy(vb.vpn)) out.push(`block ${vb.vpn} is not a busy area`);
      if (vb.onFreeList !== vb.free > 0) out.push(`block ${vb.vpn}: on free list ${vb.onFreeList}, free ${vb.free}`);
    }
    for (const a of this.host.ledger.live.values()) {
      const vb = a.block as VmapBlock | null;
      if (vb === null) continue;
      const pos = a.vpn - vb.vpn;
      if (!isFree(vb.dirtyMap, pos, a.reserved)) out.push(`live area ${a.id} has dirty bits`);
      for (let i = pos; i < pos + a.reserved; i++) {
        if (!(vb.allocMap[i >>> 5] & (1 << (i & 31)))) out.push(`live area ${a.id} is not allocated in its block`);
      }
    }
    return out;
  }
}
