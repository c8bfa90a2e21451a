// Inter-processor interrupts (smp_call_function / on_each_cpu). The sender pays the send cost (per target, or
// once with the APIC all-but-self shorthand), every target is charged the handler, and the sender spins until
// the slowest target acknowledges. Interrupts are taken at once on the target, so ack times do not depend on
// what the target was doing; the handler's cycles are inserted into the target's timeline.
import type { Engine, Op, Thread } from './engine.js';
import type { SymbolId } from './profiler.js';

/** Cycle costs of an inter-processor interrupt, from the arch profile's `ipi` section. */
export interface IpiCosts {
  /** Cycles for the sender to send one IPI (an ICR write). */
  sendCycles: number;
  /** One send reaches every other CPU (all-but-self shorthand) instead of one send per target. */
  broadcastShorthand: boolean;
  /** Cycles from send to the target entering the handler. */
  deliveryCycles: number;
  /** Interrupt entry + exit on the target, on top of the handler's own work. */
  handlerEntryCycles: number;
  /** Cycles from the handler's end to the sender seeing the acknowledgement. */
  ackCycles: number;
}

/** Who receives an IPI: every other CPU (`allbutself`) or the listed CPU numbers. */
export type IpiTargets = 'allbutself' | readonly number[];

/** One smp_call_function-style call: targets, the handler's symbol and work, the sender's symbol. */
export interface IpiCall {
  /** CPUs that run the handler. */
  targets: IpiTargets;
  /** Symbol of the handler's work on each target (e.g. 'smp_invalidate_interrupt'). */
  handlerSym: SymbolId;
  /** Handler work on each target, excluding entry/exit. */
  handlerCycles: number;
  /** Symbol charged to the sender for sending and waiting (e.g. 'smp_call_function'). */
  senderSym: SymbolId;
  /** Optional symbol for the per-target send cost, if it shows separately (ia64: 'sn_send_IPI_phys'). */
  sendSym?: SymbolId;
}

/**
 * Inter-processor interrupts (smp_call_function / on_each_cpu): the sender pays the send cost (per target, or once
 * with the all-but-self shorthand), every target is charged entry + handler, and the sender spins until the slowest
 * target acknowledges. Counters `ipi` and `ipi_calls`.
 */
export class Ipi {
  private readonly cSent: number;
  private readonly cCalls: number;

  constructor(
    readonly engine: Engine,
    readonly costs: IpiCosts,
  ) {
    this.cSent = engine.counters.id('ipi', 'interrupts sent to other CPUs');
    this.cCalls = engine.counters.id('ipi_calls', 'smp_call_function invocations');
  }

  /** `yield ipi.call(t, {...})`: returns when every target has acknowledged. */
  call(_t: Thread, c: IpiCall): Op {
    return { perform: (t) => this.perform(t, c) };
  }

  /** Performs the call at the sender's current time; callers that already synced may use it directly. */
  perform(t: Thread, c: IpiCall): boolean {
    const e = this.engine;
    const k = this.costs;
    const n = c.targets === 'allbutself' ? e.cpus - 1 : c.targets.length;
    e.counters.add(this.cCalls);
    if (n === 0) return false;
    e.counters.add(this.cSent, n);
    const sendTotal = k.broadcastShorthand ? k.sendCycles : k.sendCycles * n;
    const perTarget = k.handlerEntryCycles + c.handlerCycles;
    if (e.tracer !== undefined) {
      const step = k.broadcastShorthand ? 0 : k.sendCycles;
      const first = t.clock + k.sendCycles + k.deliveryCycles;
      e.tracer.ipi(t.cpu, t.clock, c.targets, c.handlerSym, perTarget, first, step);
    }
    if (c.targets === 'allbutself') e.chargeAllButSelf(t.cpu, c.handlerSym, perTarget);
    else for (const cpu of c.targets) e.chargeCpu(cpu, c.handlerSym, perTarget);
    t.spend(c.sendSym ?? c.senderSym, sendTotal);
    // The last target is reached when the last send completes; its ack ends the wait (csd_lock_wait: a spin).
    t.spin(c.senderSym, k.deliveryCycles + perTarget + k.ackCycles);
    return false;
  }
}
