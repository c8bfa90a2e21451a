import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { checkTraceEvents } from '@kmemsim/core';
import { describe, expect, it } from 'vitest';
import { runCli } from '../testing/run-cli.js';

interface Ev {
  name: string;
  ph: string;
  pid: number;
  tid: number;
  ts: number;
  dur?: number;
  id?: number;
  args?: Record<string, unknown>;
}
interface Trace {
  traceEvents: Ev[];
  otherData: { droppedEvents: number; producedEvents: number; keptEvents: number };
}

const tmp = (name: string) => join(mkdtempSync(join(tmpdir(), 'kmemsim-trace-')), name);
const processNames = (t: Trace) =>
  new Map(t.traceEvents.filter((e) => e.ph === 'M' && e.name === 'process_name').map((e) => [e.pid, e.args?.name]));

describe('--trace', () => {
  it('vmap-bench, threads 1,8 × three designs × 2,000 iterations: every run, IPI handler slices on the target CPUs, ≤ 10 MB gzipped', () => {
    const file = tmp('vmap.json.gz');
    const r = runCli([
      'vmap-bench',
      '--arch',
      'x86_64',
      '--cpus',
      '8',
      '--threads',
      '1,8',
      '--impl',
      'legacy,lazy,percpu',
      '--iterations',
      '2000',
      '--format',
      'json',
      '--trace',
      file,
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(statSync(file).size).toBeLessThanOrEqual(10 * 2 ** 20);
    const t = JSON.parse(gunzipSync(readFileSync(file)).toString('utf8')) as Trace;
    expect(checkTraceEvents(t)).toEqual([]);
    const names = processNames(t);
    // legacy, lazy and percpu are the old names of 2.6.27 vmap, 2.6.28 vmap and 2.6.28 vm_map_ram.
    const want = ['impl=2.6.27 api=vmap', 'impl=2.6.28 api=vmap', 'impl=2.6.28 api=vm_map_ram'].flatMap((c) =>
      [1, 8].map((n) => `vmap-bench ${c} threads=${n}`),
    );
    expect([...names.values()].sort()).toEqual(want.sort());
    for (const pid of names.keys()) expect(t.traceEvents.some((e) => e.pid === pid && e.ph === 'X')).toBe(true);
    // legacy, 1 thread: every vunmap flushes all TLBs; CPUs 1–7 run do_flush_tlb_all, each with an arrow from CPU 0.
    const legacy1 = [...names].find(([, n]) => n === 'vmap-bench impl=2.6.27 api=vmap threads=1')![0];
    const handlers = t.traceEvents.filter((e) => e.pid === legacy1 && e.ph === 'X' && e.name === 'do_flush_tlb_all');
    expect(new Set(handlers.map((h) => h.tid))).toEqual(new Set([1, 2, 3, 4, 5, 6, 7]));
    const starts = t.traceEvents.filter((e) => e.pid === legacy1 && e.ph === 's');
    const ends = t.traceEvents.filter((e) => e.pid === legacy1 && e.ph === 'f');
    expect(starts.every((s) => s.tid === 0)).toBe(true);
    expect(ends.length).toBe(starts.length);
    expect(ends.length).toBeGreaterThanOrEqual(handlers.length);
    // Nested slices: the 8-thread runs wait for their lock inside the operation; counter tracks are there.
    expect(t.traceEvents.some((e) => e.ph === 'X' && e.name.startsWith('wait '))).toBe(true);
    const counters = new Set(t.traceEvents.filter((e) => e.ph === 'C').map((e) => e.name));
    for (const c of ['tlb_flush_global', 'ipi', 'locks_held']) expect(counters.has(c)).toBe(true);
    // Timestamps to the nanosecond: at most 3 decimals in µs.
    expect(t.traceEvents.every((e) => e.ph === 'M' || /^\d+(\.\d{1,3})?$/.test(String(e.ts)))).toBe(true);
    const o = t.otherData;
    expect(o.keptEvents + o.droppedEvents).toBe(o.producedEvents);
    if (o.droppedEvents > 0) expect(r.stderr).toMatch(/--trace: [\d,]+ of [\d,]+ events dropped/);
  }, 120_000);

  it('stays within --trace-limit, shares it across runs, and counts exactly what it dropped', () => {
    const args = ['checkpoint', '--arch', 'i386', '--size', '16MiB', '--map', 'kmap,kmap_atomic', '--format', 'json'];
    const full = tmp('full.json');
    const cut = tmp('cut.json');
    const a = runCli([...args, '--trace', full]);
    expect(a.code, a.stderr).toBe(0);
    const all = JSON.parse(readFileSync(full, 'utf8')) as Trace;
    expect(all.otherData.droppedEvents).toBe(0);
    expect(a.stderr).toBe('');
    const perRun = (t: Trace, pid: number) => t.traceEvents.filter((e) => e.pid === pid && e.ph !== 'M').length;
    // A limit below the smaller run's events: shared evenly, both runs must be cut.
    const limit = Math.min(perRun(all, 1), perRun(all, 2));
    expect(limit).toBeGreaterThan(10);
    const b = runCli([...args, '--trace', cut, '--trace-limit', String(limit)]);
    expect(b.code, b.stderr).toBe(0);
    const t = JSON.parse(readFileSync(cut, 'utf8')) as Trace;
    const kept = t.traceEvents.filter((e) => e.ph !== 'M').length;
    expect(kept).toBeLessThanOrEqual(limit);
    expect(kept).toBe(t.otherData.keptEvents);
    expect(t.otherData.producedEvents).toBe(all.otherData.producedEvents);
    expect(t.otherData.droppedEvents).toBe(all.otherData.producedEvents - kept);
    // Both runs are there, each with its first part (its share of the budget, not what the first run left).
    expect([...processNames(t).values()]).toEqual(['checkpoint map=kmap', 'checkpoint map=kmap_atomic']);
    for (const pid of [1, 2]) {
      expect(perRun(t, pid)).toBeGreaterThanOrEqual(Math.floor(limit / 2) - 2);
      expect(perRun(t, pid)).toBeLessThan(perRun(all, pid));
    }
    expect(b.stderr).toMatch(
      new RegExp(
        `^kmemsim: warning: --trace: [\\d,]+ of [\\d,]+ events dropped to fit --trace-limit ${limit}; 2 of 2 runs keep the first part of their timeline — checkpoint map=kmap: first [\\d.]+ ms of [\\d.,]+ ms`,
      ),
    );
    expect(checkTraceEvents(t)).toEqual([]);
  });
});
