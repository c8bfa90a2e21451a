import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Engine } from './engine.js';
import { IDLE_FRAME } from './profiler.js';

const H = 'smp_invalidate_interrupt';
const IRQ_OFF = new Set([H]);
const sorted = (m: Map<string, number>) => [...m].sort((a, b) => (a[0] < b[0] ? -1 : 1));

describe('Profiler.sampled: a timer tick at IF = 0 and on idle CPUs', () => {
  it('a handler on an idle CPU is not sampled; with idle ticks the idle loop holds the given idle time', () => {
    const e = new Engine({ cpus: 2, clockHz: 1e6 });
    const h = e.sym(H);
    e.spawn(0, 'w', function* (t) {
      t.spend('work', 6_000);
      e.chargeAllButSelf(0, h, 3_000); // CPU 1 is idle: charged under swapper
      t.spend('work', 4_000);
    });
    e.run();
    expect(e.profiler.folded().some((s) => s.stack === `${IDLE_FRAME};${H}`)).toBe(true);
    expect(sorted(e.profiler.sampled({ irqOff: IRQ_OFF }))).toEqual([['work', 10_000]]);
    // Idle-loop ticks: only the caller knows the idle time (idle CPUs × real time, io-wait).
    const withIdle = e.profiler.sampled({ irqOff: IRQ_OFF, idle: { symbol: 'default_idle', cycles: 10_000 } });
    expect(sorted(withIdle)).toEqual([
      ['default_idle', 10_000],
      ['work', 10_000],
    ]);
  });

  it("a handler on a busy CPU is sampled in that task's functions, in proportion to their cycles", () => {
    const e = new Engine({ cpus: 2, clockHz: 1e6 });
    const h = e.sym(H);
    e.spawn(0, 'a', function* (t) {
      t.spend('x', 2_000);
      yield undefined;
      e.chargeCpu(1, h, 4_000); // CPU 1 runs task b
      t.spend('x', 2_000);
    });
    e.spawn(1, 'b', function* (t) {
      t.spend('y', 3_000);
      t.spend('z', 1_000);
      yield undefined;
      t.spend('y', 3_000);
      t.spend('z', 1_000);
    });
    e.run();
    expect(sorted(e.profiler.sampled({ irqOff: IRQ_OFF }))).toEqual([
      ['x', 4_000],
      ['y', 9_000],
      ['z', 3_000],
    ]);
    // Without the mark the handler is its own row, as before.
    expect(e.profiler.sampled({ irqOff: new Set() }).get(H)).toBe(4_000);
    // As readprofile prints them (1 tick = 1,000 cycles): most cycles first, percent of what was sampled.
    e.profiler.sym('y', 'sys', 50);
    expect(e.profiler.sampledRows({ irqOff: IRQ_OFF, clockHz: 1e6, tickRateHz: 1_000 })).toEqual([
      { symbol: 'y', cycles: 9_000, ticks: 9, percent: 56.25, load: 0.18 },
      { symbol: 'x', cycles: 4_000, ticks: 4, percent: 25, load: 0 },
      { symbol: 'z', cycles: 3_000, ticks: 3, percent: 18.75, load: 0 },
    ]);
  });

  it('conserves the busy CPUs’ cycles: nothing is sampled on an idle CPU, nothing IF = 0 is sampled in itself', () => {
    const op = fc.record({
      cpu: fc.integer({ min: 0, max: 2 }),
      handler: fc.boolean(),
      cycles: fc.integer({ min: 1, max: 5_000 }),
      sym: fc.constantFrom('p', 'q', 'r'),
    });
    fc.assert(
      fc.property(fc.array(op, { maxLength: 30 }), fc.integer({ min: 1, max: 2 }), (ops, busyCpus) => {
        const e = new Engine({ cpus: 3, clockHz: 1e6 });
        const h = e.sym(H);
        for (let c = 0; c < busyCpus; c++)
          e.spawn(c, `t${c}`, function* (t) {
            t.spend('base', 100);
            for (const o of ops) {
              yield undefined;
              if (o.cpu !== c) continue;
              if (o.handler) e.chargeCpu(o.cpu === 0 ? 1 : 0, h, o.cycles);
              else t.spend(o.sym, o.cycles);
            }
          });
        e.run();
        const p = e.profiler;
        const s = p.sampled({ irqOff: IRQ_OFF });
        expect(s.has(H)).toBe(false);
        let onIdle = 0;
        for (const f of p.folded()) if (f.stack.startsWith(`${IDLE_FRAME};`)) onIdle += f.cycles;
        const total = p.totals();
        let sum = 0;
        for (const c of s.values()) sum += c;
        // Every busy task has its `base` cycles, so each handler charged on a busy CPU is spread, none dropped.
        expect(sum).toBeCloseTo(total.user + total.sys - onIdle, 6);
      }),
      { numRuns: 200 },
    );
  });

  it('withSampledTicks: rows, cycles and percent stay cycle accounting; ticks and load follow the marked handlers', () => {
    const e = new Engine({ cpus: 2, clockHz: 1e6 });
    e.profiler.markIrqOff(''); // an absent symbol is not a mark
    expect(e.profiler.irqOff.size).toBe(0);
    e.profiler.markIrqOff(H);
    const h = e.sym(H);
    e.sym('w', 'sys', 40);
    e.spawn(0, 'a', function* (t) {
      t.spend('w', 6_000);
      yield undefined;
      e.chargeAllButSelf(1, h, 2_000); // from CPU 1 (idle): CPU 0 runs a, so a's share is sampled in w
      t.spend('w', 2_000);
    });
    e.run();
    const rows = [
      { symbol: 'w', cycles: 8_000, ticks: 8, percent: 80, load: 0.2 },
      { symbol: H, cycles: 2_000, ticks: 2, percent: 20, load: 0 },
    ];
    expect(e.profiler.withSampledTicks(rows, { clockHz: 1e6, tickRateHz: 1_000 })).toEqual([
      { symbol: 'w', cycles: 8_000, ticks: 10, percent: 80, load: 0.25 },
      { symbol: H, cycles: 2_000, ticks: 0, percent: 20, load: 0 },
    ]);
  });
});
