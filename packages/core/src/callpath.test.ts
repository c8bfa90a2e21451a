import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CallPaths } from './callpath.js';
import { Engine, SimulationError } from './engine.js';
import { Ipi } from './ipi.js';
import { Spinlock } from './locks.js';

const costs = { sendCycles: 100, broadcastShorthand: true, deliveryCycles: 50, handlerEntryCycles: 30, ackCycles: 20 };

describe('call paths (folded stacks)', () => {
  it('records command; frames; symbol with the cycles charged there', () => {
    const e = new Engine({ cpus: 1, clockHz: 1e9 });
    e.spawn(0, 'makedumpfile', function* (t) {
      t.spend('main', 5);
      t.enter('read');
      t.spend('copy_oldmem_page', 100);
      t.enter('ioremap');
      t.spend('__ioremap', 7);
      t.leave();
      t.spend('copy_oldmem_page', 1);
      t.leave();
      t.enter('read');
      t.spend('copy_oldmem_page', 10);
      t.leave();
    });
    e.run();
    expect(e.profiler.folded()).toEqual([
      { stack: 'makedumpfile;read;copy_oldmem_page', cycles: 111 },
      { stack: 'makedumpfile;read;ioremap;__ioremap', cycles: 7 },
      { stack: 'makedumpfile;main', cycles: 5 },
    ]);
  });

  it('the command is the thread name without its /N suffix; idle-class symbols are off-CPU and left out', () => {
    const e = new Engine({ cpus: 2, clockHz: 1e9 });
    for (const cpu of [0, 1])
      e.spawn(cpu, `vmap-bench/${cpu}`, function* (t) {
        t.spend('vmap_bench_loop', 10);
        t.spend(e.sym('schedule', 'idle'), 99);
      });
    e.run();
    expect(e.profiler.folded()).toEqual([{ stack: 'vmap-bench;vmap_bench_loop', cycles: 20 }]);
  });

  it('broadcast handler work is charged under each interrupted command, and under swapper on idle CPUs', () => {
    const e = new Engine({ cpus: 4, clockHz: 1e9 });
    const ipi = new Ipi(e, costs);
    const H = e.sym('do_flush_tlb_all');
    const S = e.sym('smp_call_function');
    e.spawn(0, 'a/0', function* (t) {
      yield ipi.call(t, { targets: 'allbutself', handlerSym: H, handlerCycles: 70, senderSym: S });
    });
    e.spawn(1, 'a/1', function* (t) {
      t.spend('x', 1000);
      yield undefined;
    });
    e.spawn(2, 'b', function* (t) {
      t.spend('x', 1000);
      yield undefined;
    });
    e.run();
    const stacks = Object.fromEntries(e.profiler.folded().map((s) => [s.stack, s.cycles]));
    expect(stacks['a;do_flush_tlb_all']).toBe(100);
    expect(stacks['b;do_flush_tlb_all']).toBe(100);
    expect(stacks['swapper;do_flush_tlb_all']).toBe(100);
    expect(e.profiler.cyclesOf('do_flush_tlb_all')).toBe(300);
  });

  it('leaving a frame never entered is an error', () => {
    const e = new Engine({ cpus: 1, clockHz: 1e9 });
    e.spawn(0, 'w', function* (t) {
      t.leave();
    });
    expect(() => e.run()).toThrow(SimulationError);
  });

  it('frame and symbol names cannot break the folded format', () => {
    const e = new Engine({ cpus: 1, clockHz: 1e9 });
    e.spawn(0, 'my task', function* (t) {
      t.enter('a;b');
      t.spend('sym with space', 3);
      t.leave();
    });
    e.run();
    expect(e.profiler.folded()).toEqual([{ stack: 'my_task;a:b;sym_with_space', cycles: 3 }]);
  });

  it('invariant: folded stacks sum to the CPU cycles of the profile, whatever the program does', () => {
    const op = fc.oneof(
      fc.record({
        k: fc.constant('spend' as const),
        sym: fc.integer({ min: 0, max: 4 }),
        n: fc.integer({ min: 0, max: 500 }),
      }),
      fc.record({ k: fc.constant('enter' as const), f: fc.integer({ min: 0, max: 3 }) }),
      fc.record({ k: fc.constant('leave' as const) }),
      fc.record({ k: fc.constant('lock' as const) }),
      fc.record({ k: fc.constant('ipi' as const), bcast: fc.boolean() }),
    );
    fc.assert(
      fc.property(
        fc.array(fc.array(op, { maxLength: 40 }), { minLength: 1, maxLength: 4 }),
        fc.integer({ min: 4, max: 6 }),
        (progs, cpus) => {
          const e = new Engine({ cpus, clockHz: 1e9 });
          const ipi = new Ipi(e, { ...costs, broadcastShorthand: false });
          const lock = new Spinlock(e, 'l', { symbol: '_spin_lock', acquireCycles: 3, handoffCycles: 20 });
          const syms = ['a', 'b', 'c', 'd', e.sym('idle_wait', 'idle')];
          progs.forEach((prog, cpu) => {
            e.spawn(cpu, `p${cpu % 2}/${cpu}`, function* (t) {
              let depth = 0;
              for (const o of prog) {
                if (o.k === 'spend') t.spend(syms[o.sym], o.n);
                else if (o.k === 'enter') {
                  t.enter(`f${o.f}`);
                  depth++;
                } else if (o.k === 'leave' && depth > 0) {
                  t.leave();
                  depth--;
                } else if (o.k === 'lock') {
                  yield lock.lock(t);
                  t.spend('crit', 10);
                  lock.unlock(t);
                } else if (o.k === 'ipi') {
                  const targets = o.bcast ? ('allbutself' as const) : [(cpu + 1) % cpus];
                  yield ipi.call(t, { targets, handlerSym: e.sym('h'), handlerCycles: 40, senderSym: e.sym('s') });
                }
              }
            });
          });
          e.run();
          const t = e.profiler.totals();
          const folded = e.profiler.folded().reduce((n, s) => n + s.cycles, 0);
          return Math.abs(folded - (t.user + t.sys)) < 1e-6;
        },
      ),
      { numRuns: 300 },
    );
  });

  it('stores sharing one arena keep their own cycles while rows grow and move', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(2), fc.nat(3), fc.nat(300), fc.integer({ min: 1, max: 9 })), { maxLength: 200 }),
        (charges) => {
          const paths = new CallPaths();
          const stores = [paths.newStore(), paths.newStore(), paths.newStore()];
          const want = new Map<string, number>();
          for (const [st, node, sym, c] of charges) {
            stores[st].charge(node, sym, c);
            const k = `${st}/${node}/${sym}`;
            want.set(k, (want.get(k) ?? 0) + c);
          }
          const got = new Map<string, number>();
          stores.forEach((st, s) => {
            st.rows.forEach((row, node) => {
              row?.forEach((c, sym) => {
                if (c !== 0) got.set(`${s}/${node}/${sym}`, c);
              });
            });
          });
          expect(got).toEqual(want);
        },
      ),
    );
  });
});
