// Every charged cycle carries a kernel symbol and a class. Symbols are interned to small integers so the
// hot path (Thread.spend) is a few typed-array adds. `paths` keeps the same cycles per call path.
import { CallPaths, type FoldedStack } from './callpath.js';
import type { ProfileRow } from './formatters.js';
import type { ProfileSnapshot } from './replay.js';

/** Class of a symbol's cycles, as time(1) splits them: `user`, `sys` (kernel) or `idle` (sleep, io-wait). */
export type SymbolClass = 'user' | 'sys' | 'idle';
/** A symbol interned by {@link Profiler.sym} (a small integer, so charging is two array adds). */
export type SymbolId = number;

const CLASS_CODE: Record<SymbolClass, number> = { user: 0, sys: 1, idle: 2 };
const CLASS_NAME: SymbolClass[] = ['user', 'sys', 'idle'];

/** What the profiler knows of a symbol. */
export interface SymbolInfo {
  /** Symbol name (`do_flush_tlb_all`). */
  name: string;
  /** Class of the cycles charged to it (fixed by its first interning). */
  cls: SymbolClass;
  /** Size of the function in bytes (System.map), used for readprofile's load column; 0 if unknown. */
  sizeBytes: number;
}

/** A symbol with its class and total cycles (see {@link Profiler.entries}). */
export interface ProfileEntry {
  /** Symbol name. */
  symbol: string;
  /** Class of the cycles charged to it (fixed by its first interning). */
  cls: SymbolClass;
  /** Cycles charged to the symbol, all CPUs together. */
  cycles: number;
}

/** The call-path frame of an idle CPU (perf's comm `swapper`): work charged under it ran from the idle loop. */
export const IDLE_FRAME = 'swapper';

/**
 * How {@link Profiler.sampled} samples, as a timer-tick profiler does (readprofile: profile_tick from each CPU's
 * timer interrupt, 2.6.29 kernel/profile.c).
 */
export interface TickSampling {
  /**
   * Interrupt handlers that run with IF = 0 throughout (interrupt gates that never set IF: the IPI handlers). A tick
   * due in one is taken after its iret, in the code it interrupted, so none is sampled in itself.
   */
  irqOff: ReadonlySet<string>;
  /**
   * Idle time that takes ticks, charged to the idle loop's symbol. Omit it for a NO_HZ kernel (CONFIG_NO_HZ, 2.6.21+:
   * an idle CPU stops its tick, and an interrupt taken from idle does not restart it).
   */
  idle?: { symbol: string; cycles: number };
}

/** Cycles charged per symbol over all CPUs (the engine's `profiler`): what readprofile and perf report print. */
export class Profiler {
  private readonly ids = new Map<string, SymbolId>();
  private readonly names: string[] = [];
  private sizes: number[] = [];
  /** Class code per symbol (0 user, 1 sys, 2 idle). */
  cls = new Uint8Array(64);
  /**
   * 1 per symbol a lock charges its acquire and spin to ({@link Profiler.markLock}): what a thread spent waiting
   * on another (vmalloc's sampler-wait.ts reads it on every spend, so it is a flat array).
   */
  lock = new Uint8Array(64);
  /**
   * Cycles charged, per call path (command, frames entered, symbol): folded stacks. Per-symbol totals are sums
   * over paths, so the hot path (Thread.spend) adds to one place.
   */
  readonly paths = new CallPaths();
  private readonly irqOffNames = new Set<string>();

  /**
   * Marks `name` as an interrupt handler that runs with IF = 0 throughout (an IPI handler behind an interrupt gate
   * that never sets IF). A machine marks its arch's handlers when it is built; with any marked, {@link runFromEngine}
   * samples the profile's ticks column by {@link Profiler.sampled}.
   */
  markIrqOff(name: string): void {
    if (name) this.irqOffNames.add(name);
  }

  /** The handlers marked by {@link Profiler.markIrqOff} (empty: ticks are cycle accounting). */
  get irqOff(): ReadonlySet<string> {
    return this.irqOffNames;
  }

  /** Interns a symbol. A later call may set a size that was unknown; the class is fixed by the first call. */
  sym(name: string, cls: SymbolClass = 'sys', sizeBytes = 0): SymbolId {
    let id = this.ids.get(name);
    if (id === undefined) {
      id = this.names.length;
      if (id === this.cls.length) this.grow();
      this.ids.set(name, id);
      this.names.push(name);
      this.sizes.push(sizeBytes);
      this.cls[id] = CLASS_CODE[cls];
    } else if (sizeBytes && !this.sizes[id]) {
      this.sizes[id] = sizeBytes;
    }
    return id;
  }

  private grow(): void {
    const k = new Uint8Array(this.cls.length * 2);
    k.set(this.cls);
    this.cls = k;
    const l = new Uint8Array(k.length);
    l.set(this.lock);
    this.lock = l;
  }

  /** Marks symbol `id` as a lock's: the one its acquire, hand-off and spin are charged to (lock-base.ts, sleeping.ts). */
  markLock(id: SymbolId): void {
    this.lock[id] = 1;
  }

  /** Charges cycles to a symbol outside any thread (no frames: the stack is the symbol alone). */
  add(id: SymbolId, cycles: number): void {
    this.paths.charge(0, id, cycles);
  }

  /** Cycles charged per symbol id, all CPUs and paths together (computed; cold path). */
  get cycles(): Float64Array {
    return this.paths.perSymbol(this.names.length);
  }

  /** The profile now, every call path included: the start of a window a sampler will replay. */
  snapshot(): ProfileSnapshot {
    return this.paths.snapshot();
  }

  /**
   * Charges `f` times what was charged since `since` (loops a sampler skipped, costed as its measured window):
   * each symbol's total grows by round(f × Δ), and its call paths by their shares of it.
   */
  replay(since: ProfileSnapshot, f: number): void {
    this.paths.replay(since, f);
  }

  /** Name, class and size of an interned symbol. */
  info(id: SymbolId): SymbolInfo {
    return { name: this.names[id], cls: CLASS_NAME[this.cls[id]], sizeBytes: this.sizes[id] };
  }

  /** Size in bytes of a symbol (0 when unknown or never interned). */
  sizeOf(name: string): number {
    const id = this.ids.get(name);
    return id === undefined ? 0 : this.sizes[id];
  }

  /** Cycles charged to a symbol by name (0 when never interned). */
  cyclesOf(name: string): number {
    const id = this.ids.get(name);
    return id === undefined ? 0 : this.cycles[id];
  }

  /** Total cycles per class over every symbol. */
  totals(): Record<SymbolClass, number> {
    const t = { user: 0, sys: 0, idle: 0 };
    const cycles = this.cycles;
    for (let i = 0; i < this.names.length; i++) t[CLASS_NAME[this.cls[i]]] += cycles[i];
    return t;
  }

  /** Symbols with cycles > 0, most cycles first (ties by name, for stable output). */
  entries(filter?: (e: ProfileEntry) => boolean): ProfileEntry[] {
    const out: ProfileEntry[] = [];
    const cycles = this.cycles;
    for (let i = 0; i < this.names.length; i++) {
      if (cycles[i] <= 0) continue;
      const e = { symbol: this.names[i], cls: CLASS_NAME[this.cls[i]], cycles: cycles[i] };
      if (!filter || filter(e)) out.push(e);
    }
    return out.sort((a, b) => b.cycles - a.cycles || (a.symbol < b.symbol ? -1 : 1));
  }

  /**
   * Cycles per symbol as a timer tick samples them (user and sys; idle-class symbols left out): nothing charged on an
   * idle CPU's path ({@link IDLE_FRAME}: its handlers ran from the idle loop, sampled there or, with NO_HZ, not at
   * all); an {@link TickSampling.irqOff} handler's cycles on a busy task spread over that task's other symbols in
   * proportion to their cycles (the expected sample: the interrupt's arrival is independent of them); and
   * `idle.cycles` added to `idle.symbol`. Unsorted.
   */
  sampled(o: TickSampling): Map<string, number> {
    // Per task (the path's first frame): its handler cycles at IF = 0, and its other cycles per symbol.
    const held = new Map<string, number>();
    const own = new Map<string, Map<string, number>>();
    const removed = new Map<string, number>();
    for (const s of this.folded()) {
      const frames = s.stack.split(';');
      const task = frames[0]!;
      const sym = frames[frames.length - 1]!;
      if (task === IDLE_FRAME || o.irqOff.has(sym)) {
        removed.set(sym, (removed.get(sym) ?? 0) + s.cycles);
        if (task !== IDLE_FRAME) held.set(task, (held.get(task) ?? 0) + s.cycles);
        continue;
      }
      let m = own.get(task);
      if (m === undefined) own.set(task, (m = new Map()));
      m.set(sym, (m.get(sym) ?? 0) + s.cycles);
    }
    const cycles = new Map<string, number>();
    for (const x of this.entries((x) => x.cls !== 'idle')) {
      const c = x.cycles - (removed.get(x.symbol) ?? 0);
      if (c > 0) cycles.set(x.symbol, c);
    }
    for (const [task, h] of held) {
      const m = own.get(task);
      let total = 0;
      for (const c of m?.values() ?? []) total += c;
      if (m === undefined || total <= 0) continue;
      for (const [sym, c] of m) cycles.set(sym, (cycles.get(sym) ?? 0) + (h * c) / total);
    }
    if (o.idle !== undefined && o.idle.cycles > 0)
      cycles.set(o.idle.symbol, (cycles.get(o.idle.symbol) ?? 0) + o.idle.cycles);
    return cycles;
  }

  /**
   * The rows a timer-tick profiler prints from {@link Profiler.sampled}: ticks at `tickRateHz`, percent of everything
   * sampled (the idle loop included when it ticks), readprofile's load (ticks per byte of the symbol); most cycles
   * first, ties by name. What readprofile shows of a run, for any workload that marks its IF = 0 handlers.
   */
  sampledRows(o: TickSampling & { clockHz: number; tickRateHz: number }): ProfileRow[] {
    const cycles = this.sampled(o);
    let busy = 0;
    for (const c of cycles.values()) busy += c;
    return [...cycles]
      .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
      .map(([symbol, c]) => {
        const { ticks, load } = this.tickColumns(symbol, c, o);
        return { symbol, cycles: Math.round(c), ticks, percent: busy > 0 ? round((100 * c) / busy, 2) : 0, load };
      });
  }

  /**
   * Cycle-accounted rows (perf's "% of cycles": a PMU sample lands in IF = 0 code too) with their ticks and load
   * columns sampled as a timer tick samples them ({@link Profiler.sampled} with the {@link Profiler.irqOff} handlers
   * and no idle ticks, as NO_HZ): an IF = 0 handler gets no ticks of its own, the tasks it interrupted get them.
   * Rows, their order, cycles and percent are unchanged.
   */
  withSampledTicks(rows: ProfileRow[], o: { clockHz: number; tickRateHz: number }): ProfileRow[] {
    const sampled = this.sampled({ irqOff: this.irqOffNames });
    return rows.map((r) => ({ ...r, ...this.tickColumns(r.symbol, sampled.get(r.symbol) ?? 0, o) }));
  }

  /** readprofile's ticks of `cycles` at `tickRateHz`, and its load (ticks per byte; 0 when the size is unknown). */
  private tickColumns(symbol: string, cycles: number, o: { clockHz: number; tickRateHz: number }) {
    const ticks = Math.round((cycles / o.clockHz) * o.tickRateHz);
    const size = this.sizeOf(symbol);
    return { ticks, load: size > 0 ? round(ticks / size, 4) : 0 };
  }

  /** Folded stacks of the CPU time (user and sys; idle-class symbols are off-CPU and left out, as perf does). */
  folded(): FoldedStack[] {
    return this.paths.folded(
      (id) => this.names[id],
      (id) => this.cls[id] !== CLASS_CODE.idle,
      (id) => this.cls[id] === CLASS_CODE.user,
    );
  }
}

function round(x: number, d: number): number {
  return Math.round(x * 10 ** d) / 10 ** d;
}
