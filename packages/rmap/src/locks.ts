// The rmap lock state: pte_chain_lock (a bit spinlock in page->flags, one per page) or lock_rmap (one of the
// posting's hashed spinlocks, by page->index, re-checked after acquiring). The state is tracked so that a release
// of a lock that is not held is caught; costs are charged by the caller (RmapSystem).
export type LockState = 'bit' | 'hashed';

/** A lock taken while held or released by a CPU that does not hold it (a bug in a modelled path). */
export class RmapLockError extends Error {
  override name = 'RmapLockError';
}

/** The state of the rmap locks: one bit lock per page, or the hashed spinlocks. Costs are the caller's. */
export class RmapLocks {
  /** Per page (bit) or per hashed lock: holder CPU + 1, 0 when free. */
  private held: Int32Array;
  /** hashed: CPU that last held each lock (its line lives there), -1 never. */
  readonly lastCpu: Int32Array;
  /** Acquisitions so far. */
  acquisitions = 0;
  /** Acquisitions of a hashed lock last held by another CPU (its cache line moved). */
  transfers = 0;
  /** Locks held now. */
  heldCount = 0;

  constructor(
    readonly kind: LockState,
    readonly numLocks: number,
    readonly shift: number,
    pages = 1024,
  ) {
    if (kind === 'hashed' && (numLocks & (numLocks - 1)) !== 0) {
      throw new RangeError(`num_rmap_locks must be a power of two, got ${numLocks}`);
    }
    this.held = new Int32Array(kind === 'bit' ? pages : numLocks);
    this.lastCpu = new Int32Array(kind === 'bit' ? 0 : numLocks).fill(-1);
  }

  /** Bit locks: makes room for `pages` pages (no-op for hashed locks). */
  ensurePages(pages: number): void {
    if (this.kind !== 'bit' || pages <= this.held.length) return;
    const h = new Int32Array(Math.max(pages, this.held.length * 2));
    h.set(this.held);
    this.held = h;
  }

  /** The lock protecting a page: the page itself (bit) or its hash bucket (hashed). */
  lockOf(pfn: number, index: number): number {
    return this.kind === 'bit' ? pfn : (index >>> this.shift) & (this.numLocks - 1);
  }

  /** Takes lock `k` on `cpu`; returns true if its line had to come from another CPU (hashed only). */
  acquire(k: number, cpu: number): boolean {
    if (this.held[k] !== 0) throw new RmapLockError(`rmap lock ${k} taken while held by cpu ${this.held[k] - 1}`);
    this.held[k] = cpu + 1;
    this.acquisitions++;
    this.heldCount++;
    if (this.kind === 'bit') return false;
    const moved = this.lastCpu[k] !== -1 && this.lastCpu[k] !== cpu;
    this.lastCpu[k] = cpu;
    if (moved) this.transfers++;
    return moved;
  }

  /** Releases lock `k` held by `cpu`; throws RmapLockError otherwise. */
  release(k: number, cpu: number): void {
    if (this.held[k] !== cpu + 1) {
      throw new RmapLockError(
        `rmap lock ${k} released by cpu ${cpu} but ${this.held[k] === 0 ? 'not held' : `held by cpu ${this.held[k] - 1}`}`,
      );
    }
    this.held[k] = 0;
    this.heldCount--;
  }

  /** Lock `k` is held by some CPU. */
  isHeld(k: number): boolean {
    return this.held[k] !== 0;
  }
}
