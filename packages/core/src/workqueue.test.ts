import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Engine } from './engine.js';
import type { Thread } from './thread.js';
import type { Work } from './workqueue.js';

const at = (t: Thread) => t.clock;

describe('queueWork: kworkers sharing a CPU', () => {
  it('a work on a busy CPU waits for its thread’s cond_resched; flush_work sleeps until it ends', () => {
    const e = new Engine({ cpus: 2, clockHz: 1e9 });
    let w: Work | undefined;
    let aWoke = -1;
    const a = e.spawn(0, 'a', function* (t) {
      t.spend('a', 500);
      w = e.queueWork(1, 'kworker/1', function* (k) {
        k.spend('work', 300);
      });
      const op = w.flush(t);
      if (op) yield op;
      aWoke = at(t);
    });
    const b = e.spawn(1, 'b', function* (t) {
      for (let i = 0; i < 3; i++) {
        t.spend('b', 1000);
        const rs = e.condResched(t);
        if (rs) yield rs;
      }
    });
    e.run();
    const work = w as Work;
    // b reaches its first cond_resched at 1,000: the kworker runs 1,000–1,300, then b goes on (3 × 1,000 + 300).
    expect(work.endCycle).toBe(1300);
    expect(work.thread.startCycle).toBe(500);
    expect(aWoke).toBe(1300);
    expect(a.endCycle).toBe(1300);
    expect(b.endCycle).toBe(3300);
    expect(e.kworkersLive).toBe(0);
  });

  it('a work on an idle CPU runs at once', () => {
    const e = new Engine({ cpus: 2, clockHz: 1e9 });
    let w: Work | undefined;
    e.spawn(0, 'a', function* (t) {
      t.spend('a', 500);
      w = e.queueWork(1, 'kworker/1', function* (k) {
        k.spend('work', 300);
      });
      const op = w.flush(t);
      if (op) yield op;
    });
    e.run();
    expect((w as Work).endCycle).toBe(800);
    expect(e.clock[0]).toBe(800);
  });

  it('a work on the flusher’s own CPU runs while it sleeps; the flusher waits for the kworker to finish', () => {
    const e = new Engine({ cpus: 1, clockHz: 1e9 });
    const a = e.spawn(0, 'a', function* (t) {
      t.spend('a', 500);
      const w = e.queueWork(0, 'kworker/0', function* (k) {
        k.spend('work', 300);
        yield undefined;
        k.spend('work', 100);
      });
      const op = w.flush(t);
      if (op) yield op;
      t.spend('a', 50);
    });
    e.run();
    expect(a.endCycle).toBe(950);
    expect(e.profiler.cyclesOf('work')).toBe(400);
  });

  it('a sleeping kworker gives the CPU back; woken, it waits for the next cond_resched', () => {
    const e = new Engine({ cpus: 2, clockHz: 1e9 });
    const ends: number[] = [];
    e.spawn(0, 'a', function* (t) {
      // The drain on cpu 0's kworker queues a helper on (idle) cpu 1 and flushes it.
      const drain = e.queueWork(0, 'kworker/0', function* (k) {
        k.spend('drain', 200);
        const helper = e.queueWork(1, 'kworker/1', function* (h) {
          h.spend('helper', 5000);
        });
        const op = helper.flush(k);
        if (op) yield op;
        k.spend('drain', 100);
        ends.push(k.clock);
      });
      for (let i = 0; i < 10; i++) {
        t.spend('a', 1000);
        const rs = e.condResched(t);
        if (rs) yield rs;
      }
      expect(drain.done).toBe(true);
    });
    e.run();
    // a: 1,000, then the drain 1,000–1,200 (asleep from 1,200), a again until its cond_resched at 6,200 ≥ 6,200
    // (the helper's end): the drain's last 100 cycles, then a's remaining loops.
    expect(ends).toEqual([6300]);
    expect(e.clock[0]).toBe(10 * 1000 + 300);
  });

  it('without queued work, cond_resched points add no yields (event order unchanged)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 50 }), fc.integer({ min: 1, max: 4 }), (loops, cpus) => {
        const run = (resched: boolean) => {
          const e = new Engine({ cpus, clockHz: 1e9 });
          for (let c = 0; c < cpus; c++)
            e.spawn(c, `w${c}`, function* (t) {
              for (let i = 0; i < loops; i++) {
                t.spend('x', 100 + c);
                yield undefined;
                if (resched) {
                  const rs = e.condResched(t);
                  if (rs) yield rs;
                }
              }
            });
          e.run();
          return [e.events, e.switches, ...e.clock];
        };
        expect(run(true)).toEqual(run(false));
      }),
    );
  });

  it('every queued work runs exactly once, and each CPU runs one thread at a time', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ cpu: fc.integer({ min: 0, max: 2 }), len: fc.integer({ min: 1, max: 3000 }) }), {
          minLength: 1,
          maxLength: 12,
        }),
        (items) => {
          const e = new Engine({ cpus: 3, clockHz: 1e9 });
          const spans: [number, number, number][] = [];
          let ran = 0;
          for (let c = 0; c < 2; c++)
            e.spawn(c, `b${c}`, function* (t) {
              for (let i = 0; i < 20; i++) {
                const s = t.clock;
                t.spend('b', 700);
                spans.push([c, s, t.clock]);
                const rs = e.condResched(t);
                if (rs) yield rs;
                if (c === 0 && i < items.length) {
                  const it = items[i];
                  const w = e.queueWork(it.cpu, `kworker/${it.cpu}`, function* (k) {
                    const s2 = k.clock;
                    k.spend('work', it.len);
                    spans.push([it.cpu, s2, k.clock]);
                    ran++;
                  });
                  if (i % 3 === 0) {
                    const op = w.flush(t);
                    if (op) yield op;
                  }
                }
              }
            });
          e.run();
          expect(ran).toBe(items.length);
          for (let c = 0; c < 3; c++) {
            const s = spans.filter((x) => x[0] === c).sort((x, y) => x[1] - y[1]);
            for (let i = 1; i < s.length; i++) expect(s[i][1]).toBeGreaterThanOrEqual(s[i - 1][2]);
          }
        },
      ),
    );
  });
});
