import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Engine } from './engine.js';
import { RESULT_SCHEMA_ID, ResultDocumentSchema, resultJsonSchema, runFromEngine } from './result.js';

describe('result document', () => {
  it('the shipped JSON Schema file matches the zod schema', () => {
    const file = JSON.parse(readFileSync(new URL('../schema/result.schema.json', import.meta.url), 'utf8'));
    expect(file).toEqual(resultJsonSchema());
  });

  it('a run built from an engine validates and carries time, counters and profile', () => {
    const e = new Engine({ cpus: 1, clockHz: 1e9 });
    e.spawn(0, 'a', function* (t) {
      t.spend('work', 2e9);
      t.spend(e.sym('app', 'user'), 1e9);
    });
    e.counters.bump('syscalls.read', 4);
    e.run();
    const run = runFromEngine(e, { variant: { impl: 'x', threads: 1 }, metrics: { ns_per_op: 1 }, tickRateHz: 100 });
    expect(run.time).toEqual({ real_s: 3, user_s: 1, sys_s: 2 });
    expect(run.counters).toEqual({ syscalls: { read: 4 } });
    expect(run.profile[0]).toEqual({ symbol: 'work', cycles: 2e9, ticks: 200, percent: 66.67, load: 0 });
    const doc = {
      schema: RESULT_SCHEMA_ID,
      command: 'x',
      arch: 'x86_64',
      virt: 'none',
      cpus: 1,
      seed: 1,
      params: {},
      runs: [run],
    };
    expect(ResultDocumentSchema.safeParse(doc).success).toBe(true);
    expect(ResultDocumentSchema.safeParse({ ...doc, schema: 'other' }).success).toBe(false);
  });

  it('with an IF = 0 handler marked, the ticks column is sampled by the timer-tick rule and percent is not', () => {
    const run = (mark: boolean) => {
      const e = new Engine({ cpus: 3, clockHz: 1e6 });
      if (mark) e.profiler.markIrqOff('do_flush_tlb_all');
      const h = e.sym('do_flush_tlb_all');
      e.spawn(0, 'a', function* (t) {
        t.spend('work', 8_000);
        e.chargeAllButSelf(0, h, 1_000); // CPU 1 runs b, CPU 2 is idle
        t.spend('work', 1_000);
      });
      e.spawn(1, 'b', function* (t) {
        t.spend('spin', 4_000);
      });
      e.run();
      return runFromEngine(e, { variant: {}, metrics: {}, tickRateHz: 1_000 }).profile;
    };
    expect(run(false).map((r) => [r.symbol, r.ticks, r.percent])).toEqual([
      ['work', 9, 60],
      ['spin', 4, 26.67],
      ['do_flush_tlb_all', 2, 13.33],
    ]);
    // b takes the tick due in the handler on its CPU; the idle CPU's handler time takes none (NO_HZ).
    expect(run(true).map((r) => [r.symbol, r.ticks, r.percent])).toEqual([
      ['work', 9, 60],
      ['spin', 5, 26.67],
      ['do_flush_tlb_all', 0, 13.33],
    ]);
  });
});
