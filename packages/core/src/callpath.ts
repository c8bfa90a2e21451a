// Call paths for folded stacks (flame graphs): every charged cycle is counted against the path of frames the
// charging thread was in (its command, then the frames the workload or mechanism entered) and the charged
// symbol. Paths are nodes of a trie; each thread has a cycles-per-symbol row for the node it is in, so the hot
// path (Thread.spend) is one typed-array add, as a flat per-symbol profile would be. Per-symbol totals are sums.
import type { SymbolId } from './profiler.js';
import { type ProfileSnapshot, replayStores, snapshotStores } from './replay.js';

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
 * Cycles per (node, symbol) of one thread (or of the engine, for interrupt work). Rows grow as symbols appear;
 * a row belongs to one store, so the thread that writes it is the one that replaces it when it grows.
 */
export class CycleStore {
  /** Cycles per symbol, indexed by path node (undefined: nothing charged there yet). */
  readonly rows: (Float64Array | undefined)[] = [];

  /** The row of `node`, created empty if needed. */
  row(node: PathNode): Float64Array {
    let r = this.rows[node];
    if (r === undefined) this.rows[node] = r = new Float64Array(32);
    return r;
  }

  /** The row of `node`, long enough for symbol `sym`. */
  grow(node: PathNode, sym: SymbolId): Float64Array {
    const old = this.row(node);
    if (sym < old.length) return old;
    const r = new Float64Array(Math.max(sym + 1, old.length * 2));
    r.set(old);
    this.rows[node] = r;
    return r;
  }

  /** Adds `cycles` to `sym` on the path `node`. */
  charge(node: PathNode, sym: SymbolId, cycles: number): void {
    this.grow(node, sym)[sym] += cycles;
  }
}

/** The call-path trie of one engine, and the cycle stores charged against it. */
export class CallPaths {
  private readonly frameIds = new Map<string, FrameId>();
  private readonly frameNames: string[] = [];
  private readonly parent: PathNode[] = [-1];
  private readonly frameOf: FrameId[] = [-1];
  private readonly children: Map<FrameId, PathNode>[] = [new Map()];
  /** The engine's own store (interrupt work), then one per thread, in creation order. */
  private readonly stores: CycleStore[] = [new CycleStore()];

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
    const st = new CycleStore();
    this.stores.push(st);
    return st;
  }

  /** Charges `cycles` to (node, sym) in the engine's own store (cold paths: interrupt work). */
  charge(node: PathNode, sym: SymbolId, cycles: number): void {
    this.stores[0].charge(node, sym, cycles);
  }

  /** Every path's cycles now, for `replay`. */
  snapshot(): ProfileSnapshot {
    return snapshotStores(this.stores);
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
