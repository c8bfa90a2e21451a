// page->pte: the union of a direct PTE address (PG_direct) and a chain of pte_chain nodes, in typed arrays (no
// object per page or per node). Two layouts, as their eras had them:
// - single-pointer {next; ptep} (2.4 rmap, 2.5.27–2.5.34): a new node goes in front; remove walks from the head and
//   unlinks the node it finds; with PageDirect, a chain left with one entry collapses back to direct (on remove).
// - multi-pointer (2.5.35+): NRPTE slots per node; only the head has free slots; insert fills the head's last free
//   slot (a new head when it is full); remove walks until it finds the entry, moves the head's first entry into
//   the hole and frees an emptied head; a one-entry chain collapses only in page_referenced.
// Every node line read or written goes through `mem` (the cache model); nodes come from and return to `nodes`
// (the era's allocator, with its batching or preallocation). PTE addresses are stored + 1 (0 = empty slot).

const U32_MAX = 0xffff_ffff;

/** Memory accesses of the chain code, charged by the caller to the running function. */
export interface ChainMemory {
  rd(addr: number): void;
  wr(addr: number): void;
}

/** Where nodes come from: returns a node's address / takes one back. */
export interface NodeSource {
  alloc(): number;
  free(addr: number): void;
}

/** Counts of the last operations, for costing: reset by the caller. */
export class ChainWork {
  /** PTE slots compared since the last reset. */
  slotsScanned = 0;
  /** Cumulative: nodes read while searching or walking. */
  nodesVisited = 0;
  /** Pages converted from a direct PTE to a chain since the last reset. */
  toChain = 0;
  /** Chains collapsed back to a direct PTE since the last reset. */
  toDirect = 0;

  /** Zeroes the per-operation counts (not nodesVisited). */
  reset(): void {
    this.slotsScanned = 0;
    this.toChain = 0;
    this.toDirect = 0;
  }
}

/** page->pte of every page: a direct PTE address (PG_direct) or a chain of pte_chain nodes, in typed arrays. */
export class ChainStore {
  /** Per pfn: 1 when PG_direct is set (page->pte.direct holds the one PTE). */
  direct: Uint8Array;
  /** Per pfn: the direct PTE's id + 1 (0: none). */
  directPte: Uint32Array | Float64Array;
  /** Per pfn: the chain's head node, or −1. */
  head: Int32Array;
  private next: Int32Array;
  /** Per node: index of the first used slot (multi: only heads may have free slots; single: 0 or 1). */
  private first: Int32Array;
  private slots: Uint32Array | Float64Array;
  /** Per node: its address (for the cache model). */
  private addr: Uint32Array | Float64Array;
  /** Free node indices, a LIFO (a typed array: a JS array grown and shrunk by millions of push / pop reallocates). */
  private freeIdx: Int32Array;
  private freeTop = 0;
  private nodeCount = 0;
  /** Chain nodes allocated now. */
  nodesInUse = 0;
  /** The most nodes allocated at once. */
  peakNodes = 0;
  /** Node allocations so far. */
  allocs = 0;
  /** Node frees so far. */
  frees = 0;
  /** Counts of the last operations, for the caller's costing. */
  readonly work = new ChainWork();

  constructor(
    readonly slotsPerNode: number,
    readonly multi: boolean,
    readonly useDirect: boolean,
    readonly collapseOnRemove: boolean,
    readonly wordBytes: number,
    readonly pteAddrBytes: number,
    readonly mem: ChainMemory,
    public nodes: NodeSource,
    pages = 1024,
  ) {
    this.direct = new Uint8Array(pages);
    // PTE ids + 1 and node addresses are 32-bit until a value outgrows that (then `widen`): half the memory a
    // 1 M-page run writes through.
    this.directPte = new Uint32Array(pages);
    this.head = new Int32Array(pages).fill(-1);
    // Enough nodes for one fork of every page without growing (single-pointer: a node per mapping, so parent and
    // child need two per page; multi: one holds both); the arrays double from there.
    const n = Math.max(1024, multi ? pages : 2 * pages);
    this.next = new Int32Array(n);
    this.first = new Int32Array(n);
    this.slots = new Uint32Array(n * slotsPerNode);
    this.addr = new Uint32Array(n);
    this.freeIdx = new Int32Array(n);
  }

  /** Makes room for pfns below `pages`. */
  ensurePages(pages: number): void {
    if (pages <= this.head.length) return;
    const n = Math.max(pages, this.head.length * 2);
    const d = new Uint8Array(n);
    d.set(this.direct);
    this.direct = d;
    const p = this.wide ? new Float64Array(n) : new Uint32Array(n);
    p.set(this.directPte);
    this.directPte = p;
    const h = new Int32Array(n).fill(-1);
    h.set(this.head);
    this.head = h;
  }

  private slotAddr(n: number, i: number): number {
    // multi: next_and_idx word, then the slots; single: {next; ptep}.
    return this.addr[n] + this.wordBytes + i * this.pteAddrBytes;
  }

  private allocNode(nextNode: number): number {
    let n: number;
    if (this.freeTop > 0) n = this.freeIdx[--this.freeTop];
    else {
      n = this.nodeCount++;
      if (n === this.next.length) this.growNodes();
    }
    const a = this.nodes.alloc();
    if (a > U32_MAX) this.widen();
    this.addr[n] = a;
    this.next[n] = nextNode;
    this.first[n] = this.slotsPerNode;
    this.allocs++;
    if (++this.nodesInUse > this.peakNodes) this.peakNodes = this.nodesInUse;
    this.mem.wr(this.addr[n]); // next (and, multi, the index)
    return n;
  }

  private freeNode(n: number): void {
    const k = this.slotsPerNode;
    for (let i = n * k; i < (n + 1) * k; i++) this.slots[i] = 0;
    this.nodes.free(this.addr[n]);
    this.freeIdx[this.freeTop++] = n;
    this.nodesInUse--;
    this.frees++;
  }

  private growNodes(): void {
    const n = this.next.length * 2;
    const nx = new Int32Array(n);
    nx.set(this.next);
    this.next = nx;
    const f = new Int32Array(n);
    f.set(this.first);
    this.first = f;
    const s = this.wide ? new Float64Array(n * this.slotsPerNode) : new Uint32Array(n * this.slotsPerNode);
    s.set(this.slots);
    this.slots = s;
    const a = this.wide ? new Float64Array(n) : new Uint32Array(n);
    a.set(this.addr);
    this.addr = a;
    const fi = new Int32Array(n);
    fi.set(this.freeIdx);
    this.freeIdx = fi;
  }

  /** Whether PTE ids and node addresses are held in 64-bit floats (a value outgrew 32 bits). */
  private wide = false;

  /** A PTE id + 1 or a node address beyond 32 bits: every array of them becomes Float64 (values unchanged). */
  private widen(): void {
    if (this.wide) return;
    this.wide = true;
    const to64 = (x: Uint32Array | Float64Array) => {
      const y = new Float64Array(x.length);
      y.set(x);
      return y;
    };
    this.directPte = to64(this.directPte);
    this.slots = to64(this.slots);
    this.addr = to64(this.addr);
  }

  /** page_add_rmap's structure part. The caller has read page->pte. */
  insert(pfn: number, pte: number): void {
    if (this.direct[pfn] === 0 && this.head[pfn] === -1 && this.useDirect) {
      this.direct[pfn] = 1;
      if (pte + 1 > U32_MAX) this.widen();
      this.directPte[pfn] = pte + 1;
      return;
    }
    if (this.direct[pfn] === 1) {
      // Second mapping: the direct entry and the new one go into a chain (multi: slots NRPTE−1 and NRPTE−2 of
      // one new node; single-pointer: a node each).
      const old = this.directPte[pfn] - 1;
      this.direct[pfn] = 0;
      this.directPte[pfn] = 0;
      this.work.toChain++;
      this.chainInsert(pfn, old);
      this.chainInsert(pfn, pte);
      return;
    }
    this.chainInsert(pfn, pte);
  }

  private chainInsert(pfn: number, pte: number): void {
    let h = this.head[pfn];
    if (h !== -1 && this.multi) {
      this.mem.rd(this.addr[h]);
      this.work.nodesVisited++;
    }
    if (h === -1 || this.first[h] === 0) {
      h = this.allocNode(h);
      this.head[pfn] = h;
    }
    const i = --this.first[h];
    if (pte + 1 > U32_MAX) this.widen();
    this.slots[h * this.slotsPerNode + i] = pte + 1;
    this.mem.wr(this.slotAddr(h, i));
  }

  /** page_remove_rmap's structure part. Returns false if the entry is not there (a bug in the caller). */
  remove(pfn: number, pte: number): boolean {
    if (this.direct[pfn] === 1) {
      if (this.directPte[pfn] !== pte + 1) return false;
      this.direct[pfn] = 0;
      this.directPte[pfn] = 0;
      return true;
    }
    const ok = this.multi ? this.removeMulti(pfn, pte + 1) : this.removeSingle(pfn, pte + 1);
    if (ok && this.useDirect && this.collapseOnRemove) this.collapseIfSingle(pfn);
    return ok;
  }

  private removeSingle(pfn: number, want: number): boolean {
    let prev = -1;
    for (let n = this.head[pfn]; n !== -1; prev = n, n = this.next[n]) {
      this.mem.rd(this.addr[n]);
      this.work.nodesVisited++;
      this.work.slotsScanned++;
      if (this.slots[n] !== want) continue;
      // pte_chain_free(pc, prev_pc, page): unlink from the previous node (or page->pte), free the node.
      if (prev === -1) this.head[pfn] = this.next[n];
      else {
        this.next[prev] = this.next[n];
        this.mem.wr(this.addr[prev]);
      }
      this.freeNode(n);
      return true;
    }
    return false;
  }

  private removeMulti(pfn: number, want: number): boolean {
    const h = this.head[pfn];
    const k = this.slotsPerNode;
    for (let n = h; n !== -1; n = this.next[n]) {
      this.mem.rd(this.addr[n]);
      this.work.nodesVisited++;
      const base = n * k;
      for (let i = this.first[n]; i < k; i++) {
        this.work.slotsScanned++;
        if (this.slots[base + i] !== want) continue;
        // Fill the hole with the head's first entry, then drop that slot from the head.
        const hf = this.first[h];
        this.slots[base + i] = this.slots[h * k + hf];
        this.mem.wr(this.slotAddr(n, i));
        this.slots[h * k + hf] = 0;
        this.first[h] = hf + 1;
        this.mem.wr(this.addr[h]);
        if (this.first[h] === k) {
          this.head[pfn] = this.next[h];
          this.freeNode(h);
        }
        return true;
      }
    }
    return false;
  }

  /** A chain holding exactly one entry goes back to PageDirect (its node freed). Returns true if it did. */
  collapseIfSingle(pfn: number): boolean {
    const h = this.head[pfn];
    if (!this.useDirect || h === -1 || this.next[h] !== -1 || this.first[h] !== this.slotsPerNode - 1) return false;
    this.mem.rd(this.addr[h]);
    this.direct[pfn] = 1;
    this.directPte[pfn] = this.slots[h * this.slotsPerNode + this.slotsPerNode - 1];
    this.head[pfn] = -1;
    this.freeNode(h);
    this.work.toDirect++;
    return true;
  }

  /** try_to_unmap succeeded on every entry: the page's chain is freed (or its direct entry dropped). */
  clearPage(pfn: number): void {
    if (this.direct[pfn] === 1) {
      this.direct[pfn] = 0;
      this.directPte[pfn] = 0;
      return;
    }
    let n = this.head[pfn];
    while (n !== -1) {
      const nx = this.next[n];
      this.freeNode(n);
      n = nx;
    }
    this.head[pfn] = -1;
  }

  /** Calls fn for every PTE address of the page (try_to_unmap / page_referenced order: head first). */
  walk(pfn: number, fn: (pte: number) => void): void {
    if (this.direct[pfn] === 1) {
      fn(this.directPte[pfn] - 1);
      return;
    }
    const k = this.slotsPerNode;
    for (let n = this.head[pfn]; n !== -1; n = this.next[n]) {
      this.mem.rd(this.addr[n]);
      this.work.nodesVisited++;
      for (let i = this.first[n]; i < k; i++) {
        this.work.slotsScanned++;
        fn(this.slots[n * k + i] - 1);
      }
    }
  }

  /** Entries without touching memory (checks and reports). */
  entries(pfn: number): number[] {
    if (this.direct[pfn] === 1) return [this.directPte[pfn] - 1];
    const out: number[] = [];
    const k = this.slotsPerNode;
    for (let n = this.head[pfn]; n !== -1; n = this.next[n])
      for (let i = this.first[n]; i < k; i++) out.push(this.slots[n * k + i] - 1);
    return out;
  }

  /** PTEs mapping `pfn` (direct or in its chain). */
  count(pfn: number): number {
    return this.entries(pfn).length;
  }

  /** Chain discipline violations of one page (empty list when sound). */
  checkPage(pfn: number): string[] {
    const bad: string[] = [];
    if (this.direct[pfn] === 1 && this.head[pfn] !== -1) bad.push(`page ${pfn}: direct and chained`);
    if (this.direct[pfn] === 1 && !this.useDirect) bad.push(`page ${pfn}: direct without PageDirect`);
    const k = this.slotsPerNode;
    for (let n = this.head[pfn]; n !== -1; n = this.next[n]) {
      const f = this.first[n];
      if (f >= k) bad.push(`page ${pfn}: empty node in chain`);
      if (n !== this.head[pfn] && f !== 0) bad.push(`page ${pfn}: non-head node with ${f} free slots`);
      for (let i = 0; i < k; i++) {
        const used = this.slots[n * k + i] !== 0;
        if (used !== i >= f) bad.push(`page ${pfn}: node slot ${i} ${used ? 'used' : 'empty'} against first ${f}`);
      }
    }
    if (this.useDirect && this.collapseOnRemove && this.head[pfn] !== -1 && this.count(pfn) === 1)
      bad.push(`page ${pfn}: uncollapsed chain`);
    return bad;
  }
}
