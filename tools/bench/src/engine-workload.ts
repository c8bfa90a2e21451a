// The engine benchmark workload: N CPUs each loop taking one global spinlock, doing a little work, and every
// `ipiEvery` iterations broadcasting an IPI (a TLB shootdown shape). Returns scheduler events processed.
import { Engine, Ipi, Spinlock } from '@kmemsim/core';

export interface EngineWorkload {
  cpus: number;
  iterations: number;
  ipiEvery: number;
}

export function runEngineWorkload(w: EngineWorkload): Engine {
  const e = new Engine({ cpus: w.cpus, clockHz: 2e9, seed: 1 });
  const lock = new Spinlock(e, 'bench_lock', { symbol: '_spin_lock', acquireCycles: 40, handoffCycles: 200 });
  const ipi = new Ipi(e, {
    sendCycles: 300,
    broadcastShorthand: false,
    deliveryCycles: 500,
    handlerEntryCycles: 400,
    ackCycles: 200,
  });
  const work = e.sym('bench_work');
  const crit = e.sym('bench_critical');
  const handler = e.sym('smp_invalidate_interrupt');
  const sender = e.sym('smp_call_function');
  const call = { targets: 'allbutself' as const, handlerSym: handler, handlerCycles: 100, senderSym: sender };
  for (let cpu = 0; cpu < w.cpus; cpu++) {
    e.spawn(cpu, `bench/${cpu}`, function* (t) {
      for (let i = 0; i < w.iterations; i++) {
        t.spend(work, 500 + ((i * 7 + cpu * 13) % 97));
        yield lock.lock(t);
        t.spend(crit, 100);
        lock.unlock(t);
        if (i % w.ipiEvery === 0) yield ipi.call(t, call);
      }
    });
  }
  e.run();
  return e;
}
