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
});
