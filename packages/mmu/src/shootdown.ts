// flush_tlb_all by IPI shootdown: the sender interrupts every other CPU (smp_call_function of do_flush_tlb_all,
// wait=1) and spins until the slowest acknowledges; the targets' handler work is charged to them.
import type { Thread } from '@kmemsim/core';
import type { Machine } from './machine.js';
import type { GuestPageTable } from './virt-ops.js';

/** Tables a CPU resyncs at its flush when another CPU's root reload already did (the unsync list is per VM). */
const NO_TABLES: readonly GuestPageTable[] = [];

/**
 * The IPI part of {@link Machine.flushAll} from `t`'s CPU (at least one other CPU): the sends, each target's
 * handler (`perCpu` cycles of flush plus the virt mode's costs), and the sender's wait for the last ack. Counts the
 * IPIs and the call under the counter ids `ids`.
 */
export function shootdownAll(m: Machine, t: Thread, perCpu: number, ids: { ipi: number; ipiCalls: number }): void {
  const e = m.engine;
  const n = m.cpus - 1;
  // smp_call_function(do_flush_tlb_all, wait=1): the sends, each target's interrupt (an idle target is in
  // lazy TLB mode and also leaves the mm: a CR3 write), then the sender spins until the last one acks.
  const k = m.arch.ipi;
  const many = n > 1;
  const handlerSym =
    many && m.arch.symbols.flushHandlerMany ? e.sym(m.arch.symbols.flushHandlerMany) : m.syms.flushHandler;
  const waitSym = many && m.arch.symbols.ipiSendMany ? e.sym(m.arch.symbols.ipiSendMany) : m.syms.ipiSend;
  const sends = m.oneSendReachesAll ? 1 : n;
  const accesses = k.apicAccessesPerSend ?? (k.broadcastShorthand ? 2 : 3);
  const sendCycles = sends * m.cost.ipiSendCycles + m.vops.ipiSend(sends, accesses, n);
  // on_each_cpu (2.6.2x kernel/softirq.c, kernel/smp.c from 2.6.30) calls smp_call_function(func, info, wait=1)
  // BEFORE it runs func locally, so the targets' __flush_tlb_all are the first CR4 writes after the PTEs were
  // cleared: under kvm-shadow the first target's kvm_set_cr4 runs kvm_mmu_sync_global (the unsync list is per VM)
  // while the sender spins in smp_call_function_single's wait; the sender's own CR4 exits find nothing to resync.
  let tables: readonly GuestPageTable[] = m.pageTables;
  const target = (running: boolean) => {
    const synced = tables;
    tables = NO_TABLES;
    return m.cost.ipiHandlerEntryCycles + perCpu + m.vops.ipiTarget(running) + m.vops.globalFlushCpu(synced, !running);
  };
  // Targets are reached one send apart (one send reaches all with a broadcast shorthand or cluster mode).
  const step = sends > 1 ? sendCycles / sends : 0;
  const arrival = t.clock + sendCycles / sends + k.deliveryCycles;
  // Targets running a thread: the engine counts bound CPUs, so a flush costs O(1) wall time, not O(cpus).
  const busy = e.boundCpus - (e.threadOn(t.cpu) ? 1 : 0);
  let slowest = 0;
  if (busy === 0 || busy === n) {
    // Every target alike (all idle or all running): one broadcast charge, each target's exits still counted
    // (on bare metal a target has no exits to count: its cost is the same for all and nothing else changes).
    slowest = target(busy > 0);
    if (m.vops.o !== null) for (let i = 1; i < n; i++) target(busy > 0);
    e.chargeAllButSelf(t.cpu, handlerSym, slowest);
    // The timeline: a handler slice on every target, each with a flow arrow from the sender.
    e.tracer?.ipi(t.cpu, t.clock, 'allbutself', handlerSym, slowest, arrival, step);
  } else if (m.vops.o === null && e.tracer === undefined) {
    // Bare metal: a target's handler costs the same running or idle (no exits to count), so one engine scan
    // charges each target as the loop below would, without touching the Threads of CPUs gone idle.
    const cyc = target(false);
    e.chargeEachCpu(t.cpu, handlerSym, cyc);
    if (cyc > slowest) slowest = cyc;
  } else {
    for (let c = 0; c < m.cpus; c++) {
      if (c === t.cpu) continue;
      const cyc = target(e.threadOn(c) !== null);
      e.chargeCpu(c, handlerSym, cyc);
      e.tracer?.ipi(t.cpu, t.clock, [c], handlerSym, cyc, arrival + (c < t.cpu ? c : c - 1) * step, 0);
      if (cyc > slowest) slowest = cyc;
    }
  }
  e.counters.add(ids.ipi, n);
  e.counters.add(ids.ipiCalls);
  e.onInstant?.(t.cpu, 'ipi', t.clock, { targets: n, handler: e.profiler.info(handlerSym).name });
  const seq = m.arch.symbols.ipiSendSequence;
  t.spend(sends > 1 && seq ? e.sym(seq) : (m.syms.ipiSendPerTarget ?? waitSym), sendCycles);
  t.spend(waitSym, k.deliveryCycles + slowest + k.ackCycles);
}
