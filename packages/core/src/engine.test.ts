import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Engine, SimulationError, type Thread } from './engine.js';
import { RunQueue } from './heap.js';
import { Ipi } from './ipi.js';
import { Spinlock } from './locks.js';
import { runFromEngine } from './result.js';

function workload(seed: number) {
  const e = new Engine({ cpus: 8, clockHz: 2e9, seed });
  const lock = new Spinlock(e, 'l', { symbol: '_spin_lock', acquireCycles: 40, handoffCycles: 200 });
  const ipi = new Ipi(e, {
    sendCycles: 300,
    broadcastShorthand: false,
    deliveryCycles: 500,
    handlerEntryCycles: 400,
    ackCycles: 200,
  });
  const H = e.sym('smp_invalidate_interrupt');
  const S = e.sym('smp_call_function');
  for (let c = 0; c < 8; c++) {
    e.spawn(c, `w${c}`, function* (t) {
      for (let i = 0; i < 500; i++) {
        t.spend('work', 100 + e.rng.int(0, 400));
        yield lock.lock(t);
        t.spend('crit', 50);
        lock.unlock(t);
        if (i % 10 === 0) yield ipi.call(t, { targets: 'allbutself', handlerSym: H, handlerCycles: 100, senderSym: S });
      }
    });
  }
  e.run();
  return JSON.stringify(runFromEngine(e, { variant: { seed }, metrics: { events: e.events } }));
}

describe('Engine', () => {
  it('same seed ⇒ byte-identical result JSON; another seed differs', () => {
    expect(workload(7)).toBe(workload(7));
    expect(workload(7)).not.toBe(workload(8));
  });

  it('runs the lowest clock first, ties in queueing order', () => {
    const e = new Engine({ cpus: 3, clockHz: 1e9 });
    const order: string[] = [];
    for (const [cpu, start] of [
      [0, 30],
      [1, 10],
      [2, 10],
    ] as const) {
      e.spawn(cpu, `t${cpu}`, function* (t) {
        t.spend('w', start);
        yield undefined;
        order.push(t.name);
      });
    }
    e.run();
    expect(order).toEqual(['t1', 't2', 't0']);
  });

  it('refuses two live threads on one CPU', () => {
    const e = new Engine({ cpus: 1, clockHz: 1e9 });
    e.spawn(0, 'a', function* () {});
    expect(() => e.spawn(0, 'b', function* () {})).toThrow(SimulationError);
  });

  it('accounts user, sys and idle by symbol class', () => {
    const e = new Engine({ cpus: 1, clockHz: 1e9 });
    const u = e.sym('app', 'user');
    const t = e.spawn(0, 'a', function* (th) {
      th.spend(u, 5);
      th.spend('kernel', 7);
      th.idleUntil(20, 'io_schedule');
    });
    e.profiler.sym('io_schedule', 'idle');
    e.run();
    expect([t.userCycles, t.sysCycles, t.idleCycles]).toEqual([5, 7, 8]);
  });

  it('boundCpus always equals the CPUs threadOn finds a live thread on (threads finishing, respawned on freed CPUs)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ cpu: fc.nat(4), steps: fc.nat(6), cost: fc.integer({ min: 1, max: 50 }) }), {
          minLength: 1,
          maxLength: 12,
        }),
        (plan) => {
          const e = new Engine({ cpus: 5, clockHz: 1e9 });
          const scan = () => [0, 1, 2, 3, 4].filter((c) => e.threadOn(c) !== null).length;
          const seen: [number, number][] = [];
          let next = 0;
          const body = (steps: number, cost: number) =>
            function* (t: Thread) {
              for (let i = 0; i < steps; i++) {
                t.spend('work', cost);
                seen.push([e.boundCpus, scan()]);
                yield undefined;
                // Start the next planned thread once its CPU is free (from inside the run, as workloads do).
                const p = plan[next];
                if (p !== undefined && e.threadOn(p.cpu) === null) {
                  next++;
                  e.spawn(p.cpu, `w/${next}`, body(p.steps, p.cost));
                }
              }
            };
          const first = plan[next++];
          e.spawn(first.cpu, 'w/0', body(first.steps, first.cost));
          e.run();
          seen.push([e.boundCpus, scan()]);
          for (const [counted, scanned] of seen) expect(counted).toBe(scanned);
          expect(e.boundCpus).toBe(0);
        },
      ),
    );
  });
});

describe('RunQueue', () => {
  it('pops in (key, insertion) order for any sequence of pushes', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 20 }), { maxLength: 200 }), (keys) => {
        const q = new RunQueue(2);
        for (const [i, k] of keys.entries()) q.push(i, k);
        const popped: number[] = [];
        while (q.size) popped.push(q.pop());
        const expected = keys
          .map((k, i) => [k, i])
          .sort((a, b) => a[0] - b[0] || a[1] - b[1])
          .map((x) => x[1]);
        expect(popped).toEqual(expected);
      }),
    );
  });

  it('pushPop gives what push then pop give, for any mix of push, pop and pushPop', () => {
    const op = fc.oneof(
      fc.record({ k: fc.constant('push' as const), key: fc.integer({ min: 0, max: 12 }) }),
      fc.record({ k: fc.constant('pop' as const), key: fc.constant(0) }),
      fc.record({ k: fc.constant('pushPop' as const), key: fc.integer({ min: 0, max: 12 }) }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 300 }), (ops) => {
        const q = new RunQueue(2);
        const ref: [key: number, seq: number, id: number][] = [];
        let seq = 0;
        const refPop = (): [number, number] => {
          ref.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
          const [key, , id] = ref.shift() as [number, number, number];
          return [id, key];
        };
        for (const [i, o] of ops.entries()) {
          if (o.k === 'push') {
            q.push(i, o.key);
            ref.push([o.key, seq++, i]);
          } else if (o.k === 'pop') {
            if (q.size === 0) continue;
            expect([q.pop(), q.lastKey]).toEqual(refPop());
          } else {
            ref.push([o.key, seq++, i]);
            expect([q.pushPop(i, o.key), q.lastKey]).toEqual(refPop());
          }
          expect(q.size).toBe(ref.length);
        }
      }),
    );
  });
});
