import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Engine } from './engine.js';
import { Ipi } from './ipi.js';
import { Spinlock } from './locks.js';
import { runFromEngine } from './result.js';
import type { TickOptions } from './timer-tick.js';

// clockHz 1e6 and HZ 1000: a tick every 1,000 cycles, at 1000, 2000, … on CPU 0.
const HZ1000 = (handlerCycles: number, phase: TickOptions['phase'] = 'aligned'): TickOptions => ({
  hz: 1000,
  handlerCycles,
  phase,
});

function oneSpend(cycles: number, tick: TickOptions, cpus = 1, cpu = 0) {
  const e = new Engine({ cpus, clockHz: 1e6, tick });
  e.spawn(cpu, 'w', function* (t) {
    t.spend('work', cycles);
  });
  e.run();
  const prof = Object.fromEntries(e.profiler.entries().map((x) => [x.symbol, x.cycles]));
  return { clock: e.clock[cpu], ticks: e.tick?.ticks, prof };
}

describe('TimerTick', () => {
  it('lengthens work by the handlers of the ticks inside it', () => {
    expect(oneSpend(2500, HZ1000(100))).toEqual({
      clock: 2700,
      ticks: 2,
      prof: { work: 2500, tick_sched_timer: 200 },
    });
    // The lengthened span reaches the tick at 3000: it is taken too.
    expect(oneSpend(2950, HZ1000(100))).toMatchObject({ clock: 3250, ticks: 3 });
    expect(oneSpend(999, HZ1000(100))).toMatchObject({ clock: 999, ticks: 0 });
    expect(oneSpend(1000, HZ1000(100))).toMatchObject({ clock: 1100, ticks: 1 });
  });

  it('staggers CPU c by ⌊(P / 2) / cpus⌋ × c (tick_setup_sched_timer), or aligns every CPU', () => {
    const s = oneSpend(300, HZ1000(100, 'stagger'), 4, 2); // CPU 2 ticks at 250, 1250, …
    expect(s).toMatchObject({ clock: 400, ticks: 1 });
    expect(oneSpend(300, HZ1000(100, 'aligned'), 4, 2)).toMatchObject({ clock: 300, ticks: 0 });
    const e = new Engine({ cpus: 4, clockHz: 1e6, tick: HZ1000(0, 'stagger') });
    expect([...(e.tick?.phase ?? [])]).toEqual([0, 125, 250, 375]);
  });

  it('charges no tick in idle time, and none twice', () => {
    const e = new Engine({ cpus: 1, clockHz: 1e6, tick: HZ1000(100) });
    const idle = e.sym('schedule', 'idle');
    e.spawn(0, 'w', function* (t) {
      t.idleUntil(5400, idle);
      t.spend('work', 500); // (5400, 5900]: no tick
      t.spend('work', 200); // (5900, 6100]: the tick at 6000
    });
    e.run();
    expect(e.clock[0]).toBe(6200);
    expect(e.tick?.ticks).toBe(1);
    expect(e.counters.toJSON().timer_tick).toBe(1);
  });

  it('takes the spin’s time for ticks in a wait; one running at the event delays the spinner', () => {
    const run = (cycles: number) => {
      const e = new Engine({ cpus: 1, clockHz: 1e6, tick: HZ1000(100) });
      const S = e.sym('_spin_lock');
      let waited = 0;
      e.spawn(0, 'w', function* (t) {
        waited = t.spin(S, cycles);
      });
      e.run();
      return { waited, clock: e.clock[0], spin: e.profiler.entries().find((x) => x.symbol === '_spin_lock')?.cycles };
    };
    expect(run(1050)).toEqual({ waited: 1100, clock: 1100, spin: 1000 }); // handler [1000, 1100] straddles 1050
    expect(run(1200)).toEqual({ waited: 1200, clock: 1200, spin: 1100 }); // absorbed
    expect(run(2500)).toEqual({ waited: 2500, clock: 2500, spin: 2300 });
  });

  it('a tick on the next waiter at the release delays the hand-off and the queue behind it', () => {
    const run = (tick?: TickOptions) => {
      const e = new Engine({ cpus: 2, clockHz: 1e6, tick });
      const lock = new Spinlock(e, 'l', { symbol: '_spin_lock', acquireCycles: 0, handoffCycles: 0 });
      const out: number[] = [];
      e.spawn(0, 'holder', function* (t) {
        yield lock.lock(t);
        t.spend('crit', 1020); // CPU 0 stagger phase 0: tick at 1000 → release at 1120
        lock.unlock(t);
      });
      e.spawn(1, 'waiter', function* (t) {
        t.spend('work', 10);
        yield lock.lock(t); // CPU 1 ticks at 250, 1250 (stagger) or 1000 (aligned)
        out.push(t.clock);
        lock.unlock(t);
      });
      e.run();
      return out[0];
    };
    expect(run()).toBe(1020);
    expect(run(HZ1000(150, 'aligned'))).toBe(1170); // waiter's handler [1000, 1150] ends before the release
    expect(run(HZ1000(150, 'stagger'))).toBe(1170); // holder's tick at 1000; waiter's at 250 absorbed
    // Release at 1420; the waiter's tick at 1250 runs until 1650: the hand-off waits for it.
    expect(run(HZ1000(400, 'stagger'))).toBe(1650);
  });
});

/** A random program per CPU: work, idle gaps, lock holds and IPIs, on 3 CPUs. */
const step = fc.tuple(fc.constantFrom('work', 'idle', 'lock', 'ipi'), fc.integer({ min: 1, max: 3000 }));
const programs = fc.array(fc.array(step, { maxLength: 25 }), { minLength: 3, maxLength: 3 });

function simulate(progs: [string, number][][], tick: TickOptions | undefined, seed = 1) {
  const e = new Engine({ cpus: 3, clockHz: 1e6, seed, tick });
  const lock = new Spinlock(e, 'l', { symbol: '_spin_lock', acquireCycles: 7, handoffCycles: 30 });
  const ipi = new Ipi(e, {
    sendCycles: 20,
    broadcastShorthand: true,
    deliveryCycles: 50,
    handlerEntryCycles: 40,
    ackCycles: 20,
  });
  const H = e.sym('flush_tlb_all_ipi');
  const S = e.sym('smp_call_function');
  const idle = e.sym('schedule', 'idle');
  // Busy time as the profile sees it: every non-idle span, per CPU.
  const ticksDue = [0, 0, 0];
  e.onSpend = (cpu, sym, start, cycles) => {
    if (e.tick && e.profiler.cls[sym] !== 2) ticksDue[cpu] += e.tick.count(cpu, start, start + cycles);
  };
  progs.forEach((prog, cpu) => {
    e.spawn(cpu, `w/${cpu}`, function* (t) {
      for (const [kind, n] of prog) {
        if (kind === 'work') t.spend('work', n);
        else if (kind === 'idle') t.idleUntil(t.clock + n, idle);
        else if (kind === 'ipi')
          yield ipi.call(t, { targets: 'allbutself', handlerSym: H, handlerCycles: n % 200, senderSym: S });
        else {
          yield lock.lock(t);
          t.spend('crit', n);
          lock.unlock(t);
        }
      }
    });
  });
  e.run();
  return { e, ticksDue, json: JSON.stringify(runFromEngine(e, { variant: { seed }, metrics: { events: e.events } })) };
}

describe('TimerTick invariants', () => {
  it('ticks charged = ticks due in busy time, each costing the handler', () => {
    fc.assert(
      fc.property(programs, fc.constantFrom<TickOptions['phase']>('aligned', 'stagger'), fc.nat(600), (p, ph, h) => {
        const { e, ticksDue } = simulate(p, { hz: 1000, handlerCycles: h, phase: ph });
        const due = ticksDue.reduce((a, b) => a + b, 0);
        expect(e.tick?.ticks).toBe(due);
        expect(e.counters.toJSON().timer_tick ?? 0).toBe(due);
        const charged = e.profiler.entries().find((x) => x.symbol === 'tick_sched_timer')?.cycles ?? 0;
        expect(charged).toBe(due * h);
      }),
      { numRuns: 150 },
    );
  });

  it('handler 0: ticks counted, every clock and symbol as without the tick', () => {
    fc.assert(
      fc.property(programs, (p) => {
        const off = simulate(p, undefined).e;
        const on = simulate(p, HZ1000(0, 'stagger')).e;
        expect([...on.clock]).toEqual([...off.clock]);
        const rows = (x: Engine) => x.profiler.entries().filter((r) => r.symbol !== 'tick_sched_timer');
        expect(rows(on)).toEqual(rows(off));
      }),
      { numRuns: 60 },
    );
  });

  it('same seed ⇒ same bytes with the tick on; off by default (no symbol, no counter)', () => {
    const p: [string, number][][] = [
      [
        ['work', 2500],
        ['lock', 900],
        ['ipi', 50],
        ['lock', 1800],
      ],
      [
        ['lock', 1200],
        ['idle', 3000],
        ['work', 700],
        ['lock', 400],
      ],
      [
        ['work', 10],
        ['lock', 2000],
        ['lock', 2000],
      ],
    ];
    const t = HZ1000(120, 'stagger');
    expect(simulate(p, t).json).toBe(simulate(p, t).json);
    const off = simulate(p, undefined);
    expect(off.e.tick).toBeNull();
    expect(off.json).not.toContain('tick_sched_timer');
    expect(off.json).not.toContain('timer_tick');
  });

  it('refuses a handler as long as the period', () => {
    expect(() => new Engine({ cpus: 1, clockHz: 1e6, tick: HZ1000(1000) })).toThrow(RangeError);
    expect(() => new Engine({ cpus: 1, clockHz: 1e6, tick: { hz: 0, handlerCycles: 0, phase: 'aligned' } })).toThrow(
      RangeError,
    );
  });
});
