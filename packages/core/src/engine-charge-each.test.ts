import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Engine } from './engine.js';

/** One script: threads on some CPUs (some named swapper, the idle task's name), each a list of steps. */
interface Script {
  cpus: number;
  threads: { cpu: number; comm: string; steps: number }[];
  /** Per step: which thread flushes, how (each CPU, or all but self as a broadcast) and the handler's cycles. */
  flushes: { by: number; each: boolean; cycles: number }[];
}

/** Runs a script; `each` charges every CPU but the sender by chargeEachCpu, else by chargeCpu in CPU order. */
function run(s: Script, useEach: boolean): string {
  const e = new Engine({ cpus: s.cpus, clockHz: 1e9 });
  const h = e.sym('flush_tlb_all_ipi');
  const threads = s.threads.map((d, i) =>
    e.spawn(d.cpu, `${d.comm}/${i}`, function* (t) {
      for (let k = 0; k < d.steps; k++) {
        t.spend('work', 100.1 + i);
        yield undefined;
        for (const f of s.flushes) {
          if (f.by !== i || k % 2 === 1) continue;
          if (!f.each) e.chargeAllButSelf(t.cpu, h, f.cycles);
          else if (useEach) e.chargeEachCpu(t.cpu, h, f.cycles);
          else for (let c = 0; c < s.cpus; c++) if (c !== t.cpu) e.chargeCpu(c, h, f.cycles);
        }
      }
    }),
  );
  e.run();
  const clocks = Array.from({ length: s.cpus }, (_, c) => e.clock[c]);
  return JSON.stringify({
    clocks,
    sys: threads.map((t) => t.sysCycles),
    folded: e.profiler.folded(),
    max: e.maxClock(),
  });
}

describe('Engine.chargeEachCpu', () => {
  it('gives the bytes of chargeCpu on every other CPU in order (fractional cycles, idle CPUs, a thread named swapper)', () => {
    const script = fc.integer({ min: 2, max: 9 }).chain((cpus) =>
      fc.record({
        cpus: fc.constant(cpus),
        threads: fc.uniqueArray(fc.integer({ min: 0, max: cpus - 1 }), { minLength: 1, maxLength: cpus }).chain((cs) =>
          fc.tuple(
            ...cs.map((cpu) =>
              fc.record({
                cpu: fc.constant(cpu),
                comm: fc.constantFrom('w', 'w', 'v', 'swapper'),
                steps: fc.integer({ min: 1, max: 8 }),
              }),
            ),
          ),
        ),
        flushes: fc.array(
          fc.record({
            by: fc.nat(cpus - 1),
            each: fc.boolean(),
            cycles: fc.oneof(fc.integer({ min: 0, max: 5000 }), fc.double({ min: 0.1, max: 5000, noNaN: true })),
          }),
          { maxLength: 6 },
        ),
      }),
    );
    fc.assert(
      fc.property(script, (s) => {
        expect(run(s, true)).toBe(run(s, false));
      }),
      { numRuns: 300 },
    );
  });

  it('charges the idle CPUs under swapper and each busy one under its command', () => {
    const e = new Engine({ cpus: 4, clockHz: 1e9 });
    const h = e.sym('h');
    e.spawn(1, 'b/1', function* (t) {
      t.spend('work', 200);
      yield undefined;
      t.spend('work', 1_000);
    });
    e.spawn(0, 'a/0', function* (t) {
      t.spend('work', 100);
      yield undefined;
      e.chargeEachCpu(0, h, 7);
      e.chargeEachCpu(0, h, 7);
    });
    e.run();
    const f = Object.fromEntries(e.profiler.folded().map((x) => [x.stack, x.cycles]));
    expect(f['swapper;h']).toBe(28);
    expect(f['b;h']).toBe(14);
    expect(Array.from(e.clock)).toEqual([100, 1_214, 14, 14]);
  });
});
