import { describe, expect, it } from 'vitest';
import { Engine } from './engine.js';
import { Ipi } from './ipi.js';
import { Spinlock } from './locks.js';
import { runFromEngine } from './result.js';
import { TraceRecorder } from './trace.js';
import { checkTraceEvents } from './trace-check.js';

type Ev = {
  ph: string;
  name: string;
  pid: number;
  tid?: number;
  ts: number;
  dur?: number;
  id?: number;
  args?: Record<string, unknown>;
};
const events = (rec: TraceRecorder) => rec.toJSON().traceEvents as unknown as Ev[];
const slices = (rec: TraceRecorder) => events(rec).filter((x) => x.ph === 'X');

const costs = { sendCycles: 100, broadcastShorthand: false, deliveryCycles: 50, handlerEntryCycles: 30, ackCycles: 20 };

describe('TraceRecorder', () => {
  it('merges contiguous spans of one symbol per CPU, in microseconds', () => {
    const e = new Engine({ cpus: 1, clockHz: 1e6 }); // 1 cycle = 1 µs
    const rec = new TraceRecorder();
    rec.attach(e, 'demo');
    e.spawn(0, 'a', function* (t) {
      t.spend('a', 5);
      t.spend('a', 5);
      t.spend('b', 3);
      t.spend('a', 2);
    });
    e.run();
    expect(slices(rec).map((x) => [x.name, x.ts, x.dur])).toEqual([
      ['a', 0, 10],
      ['b', 10, 3],
      ['a', 13, 2],
    ]);
    expect(checkTraceEvents(rec.toJSON())).toEqual([]);
  });

  it('rounds timestamps to the nanosecond and keeps nested slices nested after rounding', () => {
    const e = new Engine({ cpus: 1, clockHz: 3e9 }); // 1 cycle = 1/3 ns
    const rec = new TraceRecorder();
    rec.attach(e);
    e.spawn(0, 'w', function* (t) {
      t.spend('x', 7);
      t.enter('outer');
      t.spend('y', 1001);
      t.enter('inner');
      t.spend('z', 2);
      t.leave();
      t.leave();
    });
    e.run();
    const x = slices(rec);
    for (const s of x) for (const v of [s.ts, s.dur ?? 0]) expect(Math.round(v * 1000)).toBeCloseTo(v * 1000, 9);
    const outer = x.find((s) => s.name === 'outer')!;
    const z = x.find((s) => s.name === 'z')!;
    expect(outer.ts).toBe(0.002); // 7 cycles = 2.33 ns
    expect(z.ts + (z.dur ?? 0)).toBeLessThanOrEqual(outer.ts + (outer.dur ?? 0));
    expect(checkTraceEvents(rec.toJSON())).toEqual([]);
  });

  it('frames become slices around what they charge; zero-length frames are left out', () => {
    const e = new Engine({ cpus: 1, clockHz: 1e6 });
    const rec = new TraceRecorder();
    rec.attach(e);
    e.spawn(0, 'w', function* (t) {
      yield* t.call(
        'vmap',
        (function* () {
          t.spend('alloc_vmap_area', 4);
          t.enter('empty');
          t.leave();
          t.spend('vmap_page_range', 2);
        })(),
      );
    });
    e.run();
    expect(slices(rec).map((s) => [s.name, s.ts, s.dur])).toEqual([
      ['alloc_vmap_area', 0, 4],
      ['vmap_page_range', 4, 2],
      ['vmap', 0, 6],
    ]);
  });

  it('an IPI is a handler slice on every target CPU with a flow arrow from the sender', () => {
    const e = new Engine({ cpus: 4, clockHz: 1e9 });
    const rec = new TraceRecorder();
    rec.attach(e, 'ipi');
    const ipi = new Ipi(e, costs);
    const H = e.sym('do_flush_tlb_all');
    const S = e.sym('smp_call_function');
    e.spawn(0, 'sender', function* (t) {
      t.spend('work', 10);
      yield ipi.call(t, { targets: 'allbutself', handlerSym: H, handlerCycles: 200, senderSym: S });
    });
    // CPU 1 busy (takes it at its next sync point), CPUs 2 and 3 idle (take it on arrival).
    e.spawn(1, 'busy', function* (t) {
      t.spend('work', 1000);
      yield undefined;
    });
    e.run();
    const ev = events(rec);
    const handlers = ev.filter((x) => x.ph === 'X' && x.name === 'do_flush_tlb_all');
    expect(handlers.map((h) => [h.tid, h.ts * 1000, (h.dur ?? 0) * 1000]).sort()).toEqual([
      [1, 1000, 230],
      [2, 10 + 200 + 50, 230], // one send per target, in CPU order: CPU 2's is the second
      [3, 10 + 300 + 50, 230],
    ]);
    const starts = ev.filter((x) => x.ph === 's');
    const ends = ev.filter((x) => x.ph === 'f');
    expect(starts.map((s) => s.tid)).toEqual([0, 0, 0]);
    expect(ends.map((f) => f.tid).sort()).toEqual([1, 2, 3]);
    expect(new Set(starts.map((s) => s.id))).toEqual(new Set(ends.map((f) => f.id)));
    expect(checkTraceEvents(rec.toJSON())).toEqual([]);
  });

  it('a CPU spinning on a lock takes the IPI inside its wait slice, at the arrival time', () => {
    const e = new Engine({ cpus: 2, clockHz: 1e9 });
    const rec = new TraceRecorder();
    rec.attach(e);
    const ipi = new Ipi(e, costs);
    const lock = new Spinlock(e, 'vmlist_lock', { symbol: '_write_lock', acquireCycles: 0, handoffCycles: 10 });
    const H = e.sym('do_flush_tlb_all');
    const S = e.sym('smp_call_function');
    e.spawn(0, 'holder', function* (t) {
      yield lock.lock(t);
      t.spend('work', 500);
      yield ipi.call(t, { targets: 'allbutself', handlerSym: H, handlerCycles: 100, senderSym: S });
      lock.unlock(t);
    });
    e.spawn(1, 'waiter', function* (t) {
      t.spend('work', 1);
      yield lock.lock(t);
    });
    e.run();
    const x = slices(rec).filter((s) => s.tid === 1);
    const wait = x.find((s) => s.name === 'wait vmlist_lock')!;
    const h = x.find((s) => s.name === 'do_flush_tlb_all')!;
    expect(h.ts * 1000).toBe(500 + 100 + 50);
    expect(wait.ts).toBeLessThanOrEqual(h.ts);
    expect(h.ts + (h.dur ?? 0)).toBeLessThanOrEqual(wait.ts + (wait.dur ?? 0));
    expect(checkTraceEvents(rec.toJSON())).toEqual([]);
  });

  it('counter tracks: counters and the locks-held gauge', () => {
    const e = new Engine({ cpus: 1, clockHz: 1e6 });
    const rec = new TraceRecorder();
    rec.attach(e);
    const lock = new Spinlock(e, 'l', { symbol: '_spin_lock', acquireCycles: 1, handoffCycles: 1 });
    const c = e.counters.id('tlb_flush_global');
    const miss = e.counters.id('tlb_miss');
    e.spawn(0, 'w', function* (t) {
      for (let i = 0; i < 3; i++) {
        yield lock.lock(t);
        e.counters.add(c);
        e.counters.add(miss);
        t.spend('x', 5);
        lock.unlock(t);
      }
    });
    e.run();
    const counters = events(rec).filter((x) => x.ph === 'C');
    const series = (n: string) => counters.filter((x) => x.name === n).map((x) => [x.ts, x.args?.value]);
    expect(series('tlb_flush_global')).toEqual([
      [1, 1],
      [7, 2],
      [13, 3],
    ]);
    expect(series('locks_held')).toEqual([
      [1, 1],
      [6, 0],
      [7, 1],
      [12, 0],
      [13, 1],
      [18, 0],
    ]);
    expect(series('tlb_miss')).toEqual([]);
  });

  it('splits the budget across runs, keeps each run’s first part, and counts exactly what it dropped', () => {
    const runOnce = (rec: TraceRecorder, n: number, label: string) => {
      const e = new Engine({ cpus: 1, clockHz: 1e6 });
      rec.attach(e, 'bench');
      const t0 = e.spawn(0, 'w', function* (t) {
        for (let i = 0; i < n; i++) t.spend(i % 2 ? 'x' : 'y', 1);
      });
      e.run();
      runFromEngine(e, { variant: { run: label }, metrics: {}, threads: [t0] });
    };
    const all = new TraceRecorder({ maxEvents: 1e9 });
    const cut = new TraceRecorder({ maxEvents: 100 });
    for (const rec of [all, cut]) {
      runOnce(rec, 1000, 'big');
      runOnce(rec, 10, 'small');
      runOnce(rec, 500, 'medium');
    }
    const s = cut.summary();
    expect(all.summary().dropped).toBe(0);
    expect(s.produced).toBe(all.summary().produced);
    expect(s.kept + s.dropped).toBe(s.produced);
    expect(s.kept).toBe(100);
    expect(s.runs.map((r) => [r.label, r.kept])).toEqual([
      ['bench run=big', 45],
      ['bench run=small', 10],
      ['bench run=medium', 45],
    ]);
    // The first part: events 0..44 of the big run, at 0..44 µs.
    const big = events(cut).filter((x) => x.ph === 'X' && x.pid === 1);
    expect(Math.max(...big.map((x) => x.ts))).toBe(44);
    expect(s.runs[0].keptUntilSeconds).toBeCloseTo(45e-6, 12);
    expect(cut.toJSON().otherData.droppedEvents).toBe(s.dropped);
    expect(checkTraceEvents(cut.toJSON())).toEqual([]);
  });

  it('tracing does not change the simulation', () => {
    const run = (trace: boolean) => {
      const e = new Engine({ cpus: 4, clockHz: 1e9 });
      if (trace) new TraceRecorder().attach(e);
      const ipi = new Ipi(e, costs);
      const lock = new Spinlock(e, 'l', { symbol: '_spin_lock', acquireCycles: 5, handoffCycles: 40 });
      const H = e.sym('h');
      const S = e.sym('s');
      for (let c = 0; c < 3; c++)
        e.spawn(c, `w/${c}`, function* (t) {
          for (let i = 0; i < 50; i++) {
            t.enter('op');
            t.spend('work', 100 + ((i * 31 + c * 17) % 50));
            yield lock.lock(t);
            t.spend('crit', 30);
            lock.unlock(t);
            if (i % 5 === c)
              yield ipi.call(t, { targets: 'allbutself', handlerSym: H, handlerCycles: 70, senderSym: S });
            t.leave();
          }
        });
      e.run();
      return JSON.stringify([runFromEngine(e, { variant: {}, metrics: {} }), e.profiler.folded()]);
    };
    expect(run(true)).toBe(run(false));
  });
});
