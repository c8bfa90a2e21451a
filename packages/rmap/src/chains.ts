// page->pte: the union of a direct PTE address (PG_direct) and a chain of cache-line nodes, kept in typed arrays
// (no object per page or per node). Discipline as in 2.5 mm/rmap.c: only the head node has free slots; insert
// fills the head's last free slot (a new head when it is full); remove scans the chain until it finds the entry,
// moves the head's first entry into the hole and frees an empty head; with PageDirect a chain of one entry
// collapses back to direct. PTE addresses are stored + 1 so that 0 means empty.
import { SlabCache } from './slab.js';

/** What the last operations did, for costing: filled by insert/remove/walk, reset by the caller. */
export class ChainWork {
  nodeAllocs = 0;
  nodeFrees = 0;
  slabGrows = 0;
  /** Nodes whose line the CPU had to read (head on insert, every node visited on remove/walk). */
  nodeTouches = 0;
  slotsScanned = 0;
  toChain = 0;
  toDirect = 0;

  reset(): void {
    this.nodeAllocs = 0;
    this.nodeFrees = 0;
    this.slabGrows = 0;
    this.nodeTouches = 0;
    this.slotsScanned = 0;
    this.toChain = 0;
    this.toDirect = 0;
  }
}

export class ChainStore {
  /** Per page: 1 if PG_direct. */
  direct: Uint8Array;
  /** Per page: the direct PTE address + 1 (0 = none). */
  directPte: Float64Array;
  /** Per page: head node index, -1 if no chain. */
  head: Int32Array;
  private next: Int32Array;
  /** Per node: index of the first used slot (slots before it are free; only heads may have free slots). */
  private first: Int32Array;
  private slots: Float64Array;
  private freeNodes: number[] = [];
  private nodeCount = 0;
  readonly slab: SlabCache;
  readonly work = new ChainWork();

  constructor(
    readonly slotsPerNode: number,
    nodeBytes: number,
    pageBytes: number,
    readonly useDirect: boolean,
    pages = 1024,
  ) {
    this.slab = new SlabCache(nodeBytes, pageBytes);
    this.direct = new Uint8Array(pages);
    this.directPte = new Float64Array(pages);
    this.head = new Int32Array(pages).fill(-1);
    const nodes = 1024;
    this.next = new Int32Array(nodes);
    this.first = new Int32Array(nodes);
    this.slots = new Float64Array(nodes * slotsPerNode);
  }

  /** Makes room for page numbers below `pages`. */
  ensurePages(pages: number): void {
    if (pages <= this.head.length) return;
    const n = Math.max(pages, this.head.length * 2);
    const d = new Uint8Array(n);
    d.set(this.direct);
    this.direct = d;
    const p = new Float64Array(n);
    p.set(this.directPte);
    this.directPte = p;
    const h = new Int32Array(n).fill(-1);
    h.set(this.head);
    this.head = h;
  }

  private allocNode(nextNode: number): number {
    let n: number;
    if (this.freeNodes.length > 0) n = this.freeNodes.pop() as number;
    else {
      n = this.nodeCount++;
      if (n === this.next.length) this.growNodes();
    }
    this.next[n] = nextNode;
    this.first[n] = this.slotsPerNode;
    if (this.slab.alloc()) this.work.slabGrows++;
    this.work.nodeAllocs++;
    return n;
  }

  private freeNode(n: number): void {
    this.slots.fill(0, n * this.slotsPerNode, (n + 1) * this.slotsPerNode);
    this.freeNodes.push(n);
    this.slab.free();
    this.work.nodeFrees++;
  }

  private growNodes(): void {
    const n = this.next.length * 2;
    const nx = new Int32Array(n);
    nx.set(this.next);
    this.next = nx;
    const f = new Int32Array(n);
    f.set(this.first);
    this.first = f;
    const s = new Float64Array(n * this.slotsPerNode);
    s.set(this.slots);
    this.slots = s;
  }

  /** page_add_rmap's structure part: records that PTE `pte` maps page `pfn`. */
  insert(pfn: number, pte: number): void {
    const w = this.work;
    if (this.direct[pfn] === 0 && this.head[pfn] === -1 && this.useDirect) {
      this.direct[pfn] = 1;
      this.directPte[pfn] = pte + 1;
      return;
    }
    if (this.direct[pfn] === 1) {
      // Second mapping: the direct entry moves into a new chain with the new one.
      const old = this.directPte[pfn] - 1;
      this.direct[pfn] = 0;
      this.directPte[pfn] = 0;
      w.toChain++;
      this.chainInsert(pfn, old);
      const h = this.head[pfn];
      this.chainInsert(pfn, pte);
      // Both entries went into the same new node: its line is read once.
      if (this.head[pfn] === h) w.nodeTouches--;
      return;
    }
    this.chainInsert(pfn, pte);
  }

  private chainInsert(pfn: number, pte: number): void {
    const w = this.work;
    let h = this.head[pfn];
    if (h === -1 || this.first[h] === 0) {
      h = this.allocNode(h);
      this.head[pfn] = h;
    }
    w.nodeTouches++;
    const i = --this.first[h];
    this.slots[h * this.slotsPerNode + i] = pte + 1;
  }

  /** page_remove_rmap's structure part. Returns false if the entry is not there (a bug in the caller). */
  remove(pfn: number, pte: number): boolean {
    const w = this.work;
    if (this.direct[pfn] === 1) {
      if (this.directPte[pfn] !== pte + 1) return false;
      this.direct[pfn] = 0;
      this.directPte[pfn] = 0;
      return true;
    }
    const h = this.head[pfn];
    const k = this.slotsPerNode;
    const want = pte + 1;
    for (let n = h; n !== -1; n = this.next[n]) {
      w.nodeTouches++;
      const base = n * k;
      for (let i = this.first[n]; i < k; i++) {
        w.slotsScanned++;
        if (this.slots[base + i] !== want) continue;
        // Fill the hole with the head's first entry, then drop that slot from the head.
        const hf = this.first[h];
        this.slots[base + i] = this.slots[h * k + hf];
        this.slots[h * k + hf] = 0;
        this.first[h] = hf + 1;
        if (n !== h) w.nodeTouches++;
        if (this.first[h] === k) {
          this.head[pfn] = this.next[h];
          this.freeNode(h);
        }
        this.maybeCollapse(pfn);
        return true;
      }
    }
    return false;
  }

  private maybeCollapse(pfn: number): void {
    const h = this.head[pfn];
    if (!this.useDirect || h === -1 || this.next[h] !== -1 || this.first[h] !== this.slotsPerNode - 1) return;
    this.direct[pfn] = 1;
    this.directPte[pfn] = this.slots[h * this.slotsPerNode + this.slotsPerNode - 1];
    this.head[pfn] = -1;
    this.freeNode(h);
    this.work.toDirect++;
  }

  /** Calls fn for every PTE address of the page (try_to_unmap / page_referenced order: head first). */
  walk(pfn: number, fn: (pte: number) => void): void {
    if (this.direct[pfn] === 1) {
      fn(this.directPte[pfn] - 1);
      return;
    }
    const k = this.slotsPerNode;
    for (let n = this.head[pfn]; n !== -1; n = this.next[n]) {
      this.work.nodeTouches++;
      for (let i = this.first[n]; i < k; i++) {
        this.work.slotsScanned++;
        fn(this.slots[n * k + i] - 1);
      }
    }
  }

  /** Number of entries recorded for the page. */
  count(pfn: number): number {
    let c = 0;
    this.walkQuiet(pfn, () => c++);
    return c;
  }

  /** walk() without charging work (for checks and reports). */
  walkQuiet(pfn: number, fn: (pte: number) => void): void {
    const w = this.work;
    const t = w.nodeTouches;
    const s = w.slotsScanned;
    this.walk(pfn, fn);
    w.nodeTouches = t;
    w.slotsScanned = s;
  }

  /** Chain discipline violations of one page (empty list when sound): only the head has free slots. */
  checkPage(pfn: number): string[] {
    const bad: string[] = [];
    if (this.direct[pfn] === 1 && this.head[pfn] !== -1) bad.push(`page ${pfn}: direct and chained`);
    if (this.direct[pfn] === 1 && !this.useDirect) bad.push(`page ${pfn}: direct without PageDirect`);
    const k = this.slotsPerNode;
    for (let n = this.head[pfn]; n !== -1; n = this.next[n]) {
      const f = this.first[n];
      if (n === this.head[pfn] && f >= k) bad.push(`page ${pfn}: empty head node`);
      if (n !== this.head[pfn] && f !== 0) bad.push(`page ${pfn}: non-head node with ${f} free slots`);
      for (let i = 0; i < k; i++) {
        const used = this.slots[n * k + i] !== 0;
        if (used !== i >= f) bad.push(`page ${pfn}: node slot ${i} ${used ? 'used' : 'empty'} against first ${f}`);
      }
    }
    if (this.useDirect && this.head[pfn] !== -1 && this.count(pfn) === 1) bad.push(`page ${pfn}: uncollapsed chain`);
    return bad;
  }

  /** Nodes in use. */
  get nodesInUse(): number {
    return this.nodeCount - this.freeNodes.length;
  }
}
