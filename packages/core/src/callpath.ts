// Call paths for folded stacks (flame graphs): every charged cycle is counted against the path of frames the
// charging thread was in (its command, then the frames the workload or mechanism entered) and the charged
// symbol. Paths are nodes of a trie; each thread has a cycles-per-symbol row for the node it is in (rows of all
// threads share one array), so the hot path (Thread.spend) is one typed-array add, as a flat per-symbol profile
// would be. Per-symbol totals are sums.
import type { SymbolId } from './profiler.js';
import {
  HeldCopy,
  type ProfileSnapshot,
  type RowLayout,
  RunCopy,
  replayStores,
  SNAP_SHIFT,
  SnapSlab,
  snapshotStores,
} from './replay.js';

/** An interned frame name (a command, syscall or function entered). */
export type FrameId = number;
/** A node of the call-path trie: the frames entered from the root to here. */
export type PathNode = number;

/** One line of a folded-stack file: a call path and the cycles charged at its end. */
export interface FoldedStack {
  /** Frames from the root, `;`-separated, ending with the charged symbol (Brendan Gregg's folded format). */
  stack: string;
  /** Cycles charged to the symbol on this path. */
  cycles: number;
  /** The charged symbol runs in user space (perf's `[.]`); otherwise in the kernel (`[k]`). */
  user?: true;
}

/** The root node: no frame. A thread's base node is its command's frame under it. */
export const ROOT_NODE: PathNode = 0;

/**
 * One growable Float64Array holding the rows of every {@link CycleStore} of an engine, each row at its own offset.
 * Thread.spend then adds through one typed array that every thread shares (its header stays in cache) instead of a
 * small array per row, whose header and off-heap data were two cache misses per spend.
 */
export class CycleArena {
  /** Every row's cycles. Replaced by a larger copy when it grows: read it again after {@link CycleArena.alloc}. */
  buf = new Float64Array(1024);
  private used = 0;

  /** Room for a zeroed row of `len` entries at the end; its offset. */
  alloc(len: number): number {
    const off = this.used;
    if (off + len > this.buf.length) {
      const b = new Float64Array(Math.max(off + len, this.buf.length * 2));
      b.set(this.buf);
      this.buf = b;
    }
    this.used = off + len;
    return off;
  }
}

/**
 * The stores of one chunk of a snapshot (replay.ts): set when any of them may differ from the last snapshot's copy
 * (held by a running thread, or changed), so a snapshot passes over the chunks of finished threads in one test.
 */
export class StoreGroup {
  dirty = true;
}

/**
 * Cycles per (node, symbol) of one thread (or of the engine, for interrupt work): per path node, a row of the
 * arena. Rows grow as symbols appear (a grown row moves to the arena's end); a row belongs to one store, so the
 * thread that writes it is the one that moves it.
 */
export class CycleStore {
  /** Offset of each node's row in the arena (a hole: nothing charged there yet). */
  private readonly offs: number[] = [];
  /** Length of each node's row. */
  private readonly lens: number[] = [];
  /**
   * A thread adds to these rows directly (Thread.spend, no call through the store), so they may differ from any
   * snapshot: set while the store's thread runs, cleared when it finishes (then a spend must come through
   * {@link CycleStore.hold} again).
   */
  held = false;
  /** Charged, grown or given a row through the store since the last snapshot copied it. */
  changed = true;
  /** Entries over all of its rows (what {@link CycleStore.copyRowsInto} writes). */
  entries = 0;
  /** Its rows' nodes and lengths as copyRowsInto packs them; undefined after a row appears or grows. */
  private layout: RowLayout | undefined;

  constructor(
    /** The engine-wide arena the rows live in. */
    readonly arena: CycleArena,
    /** The store's chunk of a snapshot: marked whenever the store is held or changed. */
    readonly group: StoreGroup = new StoreGroup(),
  ) {
    group.dirty = true;
  }

  /** Cycles per symbol, indexed by path node (undefined: nothing charged there yet): views into the arena, valid
   * until the next charge. */
  get rows(): (Float64Array | undefined)[] {
    const buf = this.arena.buf;
    const out: (Float64Array | undefined)[] = [];
    this.offs.forEach((off, node) => {
      out[node] = buf.subarray(off, off + this.lens[node]);
    });
    return out;
  }

  /** The offset of `node`'s row, created empty (32 symbols) if needed. */
  row(node: PathNode): number {
    let off = this.offs[node];
    if (off === undefined) {
      this.offs[node] = off = this.arena.alloc(32);
      this.lens[node] = 32;
      this.entries += 32;
      this.layout = undefined;
      this.changed = true;
      this.group.dirty = true;
    }
    return off;
  }

  /** {@link CycleStore.row} for a thread that will add to it directly: the store counts as changing from now on. */
  hold(node: PathNode): number {
    this.held = true;
    this.group.dirty = true;
    return this.row(node);
  }

  /** The thread stopped writing directly: what it wrote since the last snapshot still needs one more copy. */
  release(): void {
    this.held = false;
    this.changed = true;
    this.group.dirty = true;
  }

  /**
   * Every row copied (out of the arena, so later charges do not reach it), indexed by node like
   * {@link CycleStore.rows}; nodes without a row are holes.
   */
  copyRows(): (Float64Array | undefined)[] {
    const buf = this.arena.buf;
    const out: (Float64Array | undefined)[] = [];
    this.offs.forEach((off, node) => {
      out[node] = buf.slice(off, off + this.lens[node]);
    });
    return out;
  }

  /**
   * {@link CycleStore.copyRows} packed into `dst` from `at` on (its {@link CycleStore.entries} entries), in node
   * order, through `run` (the caller flushes it before `dst` is read; without one the copy is complete on return):
   * one buffer serves every store a snapshot copies, not one per row, and no view is made until read.
   */
  copyRowsInto(dst: Float64Array, at: number, run?: RunCopy): HeldCopy {
    let lay = this.layout;
    if (lay === undefined) {
      const nodes: number[] = [];
      const lens: number[] = [];
      const offs: number[] = [];
      this.offs.forEach((off, node) => {
        nodes.push(node);
        lens.push(this.lens[node]);
        offs.push(off);
      });
      this.layout = lay = { nodes, lens, offs };
    }
    const { lens, offs } = lay;
    const copy = run ?? new RunCopy();
    if (run === undefined) copy.begin(this.arena.buf, dst, at);
    for (let r = 0; r < offs.length; r++) copy.add(offs[r], lens[r]);
    if (run === undefined) copy.flush();
    return new HeldCopy(dst, at, lay);
  }

  /** The length of `node`'s row (0 if it has none). */
  lengthOf(node: PathNode): number {
    return this.lens[node] ?? 0;
  }

  /** The offset of `node`'s row, made long enough for symbol `sym`. */
  grow(node: PathNode, sym: SymbolId): number {
    const old = this.row(node);
    const len = this.lens[node];
    if (sym < len) return old;
    const n = Math.max(sym + 1, len * 2);
    const off = this.arena.alloc(n);
    const buf = this.arena.buf;
    buf.copyWithin(off, old, old + len);
    this.offs[node] = off;
    this.lens[node] = n;
    this.entries += n - len;
    this.layout = undefined;
    this.changed = true;
    this.group.dirty = true;
    return off;
  }

  /** Adds `cycles` to `sym` on the path `node`. */
  charge(node: PathNode, sym: SymbolId, cycles: number): void {
    const off = this.grow(node, sym);
    this.arena.buf[off + sym] += cycles;
    this.changed = true;
    this.group.dirty = true;
  }

  /** `k` calls of {@link CycleStore.charge} with the same arguments, one after another (the same float sums). */
  chargeTimes(node: PathNode, sym: SymbolId, cycles: number, k: number): void {
    if (k <= 0) return;
    const i = this.grow(node, sym) + sym;
    const buf = this.arena.buf;
    for (let n = 0; n < k; n++) buf[i] += cycles;
    this.changed = true;
    this.group.dirty = true;
  }
}

/** The call-path trie of one engine, and the cycle stores charged against it. */
export class CallPaths {
  private readonly frameIds = new Map<string, FrameId>();
  private readonly frameNames: string[] = [];
  private readonly parent: PathNode[] = [-1];
  private readonly frameOf: FrameId[] = [-1];
  private readonly children: Map<FrameId, PathNode>[] = [new Map()];
  /** Every store's rows, in one array. */
  readonly arena = new CycleArena();
  /** Each chunk of 2^SNAP_SHIFT stores' flag (snapshotStores). */
  private readonly groups: StoreGroup[] = [new StoreGroup()];
  /** The engine's own store (interrupt work), then one per thread, in creation order. */
  private readonly stores: CycleStore[] = [new CycleStore(this.arena, this.groups[0])];

  /** Interns a frame name. */
  frame(name: string): FrameId {
    let id = this.frameIds.get(name);
    if (id === undefined) {
      id = this.frameNames.length;
      this.frameIds.set(name, id);
      this.frameNames.push(name);
    }
    return id;
  }

  /** The name of an interned frame. */
  frameName(id: FrameId): string {
    return this.frameNames[id];
  }

  /** The node for `frame` entered from `node`. */
  child(node: PathNode, frame: FrameId): PathNode {
    const kids = this.children[node];
    let c = kids.get(frame);
    if (c === undefined) {
      c = this.parent.length;
      this.parent.push(node);
      this.frameOf.push(frame);
      this.children.push(new Map());
      kids.set(frame, c);
    }
    return c;
  }

  /** The node one frame up (the root's parent is -1). */
  parentOf(node: PathNode): PathNode {
    return this.parent[node];
  }

  /** A store for a new thread's cycles. */
  newStore(): CycleStore {
    const g = this.stores.length >> SNAP_SHIFT;
    if (g === this.groups.length) this.groups.push(new StoreGroup());
    const st = new CycleStore(this.arena, this.groups[g]);
    this.stores.push(st);
    return st;
  }

  /** Charges `cycles` to (node, sym) in the engine's own store (cold paths: interrupt work). */
  charge(node: PathNode, sym: SymbolId, cycles: number): void {
    this.stores[0].charge(node, sym, cycles);
  }

  /** `k` charges of `cycles` to (node, sym) in the engine's own store, one after another. */
  chargeTimes(node: PathNode, sym: SymbolId, cycles: number, k: number): void {
    this.stores[0].chargeTimes(node, sym, cycles, k);
  }

  /** The last snapshot taken: a store unchanged since shares its rows with the next. */
  private last: ProfileSnapshot = [];
  /** The buffer held stores' copies are cut from, and the copier that fills it. */
  private readonly slab = new SnapSlab();
  private readonly run = new RunCopy();

  /** Every path's cycles now, for `replay`. */
  snapshot(): ProfileSnapshot {
    this.last = snapshotStores(this.stores, this.groups, this.last, this.slab, this.run);
    return this.last;
  }

  /** Adds `f` times what each path gained since `since` (see replay.ts). */
  replay(since: ProfileSnapshot, f: number): void {
    replayStores(this.stores, since, f);
  }

  /** Per node, cycles per symbol summed over every store (stores in creation order: deterministic sums). */
  private totals(): Float64Array[] {
    const out: Float64Array[] = [];
    for (const st of this.stores)
      st.rows.forEach((row, node) => {
        if (row === undefined) return;
        let t = out[node];
        if (t === undefined || t.length < row.length) {
          const g = new Float64Array(Math.max(row.length, t?.length ?? 0));
          if (t) g.set(t);
          out[node] = t = g;
        }
        for (let i = 0; i < row.length; i++) t[i] += row[i];
      });
    return out;
  }

  /** Cycles per symbol id over every path. */
  perSymbol(symbols: number): Float64Array {
    const out = new Float64Array(symbols);
    for (const row of this.totals()) if (row) for (let s = 0; s < row.length && s < symbols; s++) out[s] += row[s];
    return out;
  }

  /** Frame names from the root to `node`. */
  framesOf(node: PathNode): string[] {
    const out: string[] = [];
    for (let n = node; n > ROOT_NODE; n = this.parent[n]) out.push(this.frameNames[this.frameOf[n]]);
    return out.reverse();
  }

  /**
   * Every leaf with cycles, as folded stacks (`frame;frame;symbol`), most cycles first (ties by stack, so the
   * order is stable). `symbolName` turns a symbol id into its name; `keep` filters by symbol (e.g. no idle class).
   */
  folded(
    symbolName: (s: SymbolId) => string,
    keep: (s: SymbolId) => boolean = () => true,
    isUser: (s: SymbolId) => boolean = () => false,
  ): FoldedStack[] {
    const out: FoldedStack[] = [];
    this.totals().forEach((row, node) => {
      let prefix: string | undefined;
      for (let sym = 0; sym < row.length; sym++) {
        const c = row[sym];
        if (!(c > 0) || !keep(sym)) continue;
        prefix ??= this.framesOf(node).map(clean).join(';');
        const name = clean(symbolName(sym));
        out.push({
          stack: prefix ? `${prefix};${name}` : name,
          cycles: c,
          ...(isUser(sym) ? { user: true as const } : {}),
        });
      }
    });
    return out.sort((a, b) => b.cycles - a.cycles || (a.stack < b.stack ? -1 : a.stack > b.stack ? 1 : 0));
  }
}

/** Folded format separates frames with `;` and the count with a space: neither may occur inside a frame. */
function clean(name: string): string {
  return name.replace(/;/g, ':').replace(/\s+/g, '_');
}
