// Interrupt work the running thread charges to other CPUs (IPI handlers): broadcast charges owed until each CPU is
// next scheduled (IrqDebt), targeted charges added at once, and the call path each lands on (the interrupted
// thread's command, or `swapper` for an idle CPU). The engine keeps the state (clocks, threads per CPU, live
// threads per command); this module only reads it and adds the cycles, in the order the engine always did.
import type { CallPaths, PathNode } from './callpath.js';
import { ROOT_NODE } from './callpath.js';
import type { EngineTracer } from './engine-hooks.js';
import { IrqDebt } from './irq-debt.js';
import type { SymbolId } from './profiler.js';
import type { SysCycles, Thread } from './thread.js';

/** What the charges read of the engine: its arrays are shared (never replaced), its tracer is read at each charge. */
export interface ChargeView {
  readonly cpus: number;
  readonly clock: Float64Array;
  readonly tracer: EngineTracer | undefined;
}

/** The engine's interrupt-work charging (see {@link Engine.chargeAllButSelf}, chargeCpu, chargeEachCpu, settle). */
export class CpuCharges {
  /** Broadcast interrupt work not yet added to each CPU's clock (see chargeAllButSelf). */
  readonly debt: IrqDebt;
  private swapperNode: PathNode = -1;

  constructor(
    private readonly e: ChargeView,
    private readonly paths: CallPaths,
    /** The engine's bound thread per CPU (live or not). */
    private readonly cpuThread: (Thread | null)[],
    /** Per CPU, its bound thread's id + 1 while that thread is live, else 0. */
    private readonly liveOn: Int32Array,
    /** Sys cycles per thread id (Thread.sysCycles). */
    private readonly sys: SysCycles,
    /** Live bound threads per command node. */
    private readonly liveByBase: Map<PathNode, number>,
  ) {
    this.debt = new IrqDebt(e.cpus);
  }

  /** The live thread bound to `cpu`, or null (the engine's threadOn). */
  private threadOn(cpu: number): Thread | null {
    return this.liveOn[cpu] !== 0 ? this.cpuThread[cpu] : null;
  }

  /** Engine.chargeAllButSelf: O(1) on the clocks (IrqDebt), O(commands) on the call paths. */
  chargeAllButSelf(from: number, sym: SymbolId, cycles: number): void {
    this.debt.add(from, cycles);
    // Call paths: the handler runs under whatever each target CPU was running (perf's comm), O(commands).
    const paths = this.paths;
    const self = this.threadOn(from);
    let busy = 0;
    for (const [base, n] of this.liveByBase) {
      const k = self !== null && self.base === base ? n - 1 : n;
      if (k > 0) paths.charge(base, sym, cycles * k);
      busy += k;
    }
    const idle = this.e.cpus - 1 - busy;
    if (idle > 0) paths.charge(this.idleNode(), sym, cycles * idle);
  }

  /** Engine.chargeCpu: settles `cpu`, then adds the handler to its clock, call path and thread's sys time. */
  chargeCpu(cpu: number, sym: SymbolId, cycles: number): void {
    this.settle(cpu);
    const clock = this.e.clock;
    this.e.tracer?.irq(cpu, clock[cpu], cycles);
    clock[cpu] += cycles;
    const t = this.threadOn(cpu);
    this.paths.charge(t ? t.base : this.idleNode(), sym, cycles);
    if (t) t.sysCycles += cycles;
  }

  /**
   * Engine.chargeEachCpu: chargeCpu on every CPU but `from`, in CPU order, to the bit. The call-path cells come
   * first, one per command (its live threads, less the sender's) and one for the idle CPUs, each given its k adds
   * of `cycles` in a row (CallPaths.chargeTimes): in the scan those adds also come in a row per cell, as no other
   * cell is the same. Then each CPU, in order, settles and takes the cycles on its clock and live thread's sys time.
   * The plain loop with a tracer, before any CPU was charged idle, if a live thread's command node is the idle one,
   * or if a cell's row would grow (so rows grow in the order they always did).
   */
  chargeEachCpu(from: number, sym: SymbolId, cycles: number): void {
    const idleNode = this.swapperNode;
    const cpus = this.e.cpus;
    if (
      this.e.tracer !== undefined ||
      idleNode < 0 ||
      (this.liveByBase.get(idleNode) ?? 0) > 0 ||
      !this.rowsHold(from, idleNode, sym)
    ) {
      for (let c = 0; c < cpus; c++) if (c !== from) this.chargeCpu(c, sym, cycles);
      return;
    }
    const paths = this.paths;
    const self = this.threadOn(from);
    let busy = 0;
    for (const [base, n] of this.liveByBase) {
      const k = self !== null && self.base === base ? n - 1 : n;
      paths.chargeTimes(base, sym, cycles, k);
      busy += k;
    }
    paths.chargeTimes(idleNode, sym, cycles, cpus - 1 - busy);
    const clock = this.e.clock;
    const debt = this.debt;
    const liveOn = this.liveOn;
    // settle(c) only where chargeCpu's settle would change something (IrqDebt.stale): the same adds in the same order.
    for (let c = 0; c < cpus; c++) {
      if (c === from) continue;
      if (debt.stale(c)) this.settle(c);
      clock[c] += cycles;
      // The live thread's sysCycles += cycles, by its id: its Thread is not loaded.
      const id1 = liveOn[c];
      if (id1 !== 0) this.sys.buf[id1 - 1] += cycles;
    }
  }

  /** Every cell chargeEachCpu adds to has a row already holding `sym` (no row grows). */
  private rowsHold(from: number, idleNode: PathNode, sym: SymbolId): boolean {
    const paths = this.paths;
    const self = this.threadOn(from);
    let busy = 0;
    for (const [base, n] of this.liveByBase) {
      const k = self !== null && self.base === base ? n - 1 : n;
      if (k > 0 && paths.lengthOf(base) <= sym) return false;
      busy += k;
    }
    return this.e.cpus - 1 - busy <= 0 || paths.lengthOf(idleNode) > sym;
  }

  /** The call-path node of an idle CPU: perf names its task `swapper`. */
  idleNode(): PathNode {
    if (this.swapperNode < 0) {
      const paths = this.paths;
      this.swapperNode = paths.child(ROOT_NODE, paths.frame('swapper'));
    }
    return this.swapperNode;
  }

  /** Engine.settle: adds `cpu`'s pending broadcast work to its clock and its live thread's sys time. */
  settle(cpu: number, until?: number): void {
    const pending = this.debt.take(cpu);
    if (pending > 0) {
      const clock = this.e.clock;
      this.e.tracer?.irq(cpu, clock[cpu], pending, until);
      clock[cpu] += pending;
      const t = this.threadOn(cpu);
      if (t) t.sysCycles += pending;
    }
  }
}
