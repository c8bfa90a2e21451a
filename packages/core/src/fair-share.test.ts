import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Engine } from './engine.js';
import { BOUND, WORKER } from './fair-share.js';
import { SCHED_CFS_6_1, SCHED_EEVDF_6_9, type SchedRecord, schedTunables } from './sched-record.js';
import type { Thread } from './thread.js';

const MS = 1e6; // cycles per ms at 1 GHz

interface Setup {
  sched: SchedRecord;
  cpus: number;
  /** The bound thread's cond_resched intervals (cycles), repeated until `loops` are done. */
  chunks: number[];
  loops: number;
  /** Loop at whose end the bound thread queues the work on its own CPU. */
  queueAt: number;
  /** The kworker item's steps (cycles), each followed by its cond_resched (a re-queued item's next run). */
  steps: number[];
}

/** Runs on CPU 0: who ran when, as [who, start, end] runs ('b' the bound thread, 'k' the kworker). */
function runs(s: Setup) {
  const e = new Engine({ cpus: s.cpus, clockHz: 1e9 });
  e.sched = s.sched;
  const out: [string, number, number][] = [];
  const overlap: string[] = [];
  e.onSpend = (cpu, _sym, start, cycles) => {
    const t = e.current as Thread;
    // At most one runs: no other thread of this CPU is runnable while one spends.
    for (const o of e.threads) if (o !== t && o.cpu === cpu && o.state === 'ready') overlap.push(`${o.name}@${start}`);
    if (cpu !== 0) return;
    const who = t.kworker ? 'k' : 'b';
    const last = out[out.length - 1];
    if (last !== undefined && last[0] === who && last[2] === start) last[2] = start + cycles;
    else out.push([who, start, start + cycles]);
  };
  let kEnd = -1;
  let bEnd = -1;
  e.spawn(0, 'b', function* (t) {
    for (let i = 0; i < s.loops; i++) {
      t.spend('b', s.chunks[i % s.chunks.length]);
      if (i === s.queueAt)
        e.queueWork(0, 'kworker/0', function* (k) {
          for (const c of s.steps) {
            k.spend('k', c);
            const rs = e.condResched(k);
            if (rs) yield rs;
          }
          kEnd = k.clock;
        });
      const rs = e.condResched(t);
      if (rs) yield rs;
    }
    bEnd = t.clock;
  });
  e.run();
  return { e, out, overlap, kEnd, bEnd };
}

describe('fair sharing of a CPU between its bound thread and a kworker', () => {
  it('tunables: sched_tunable_scaling = log scales by 1 + ilog2(min(cpus, 8)); HZ 250 ticks', () => {
    const t16 = schedTunables(SCHED_CFS_6_1, 16, 1e9);
    expect(t16.tick).toBe(4 * MS);
    expect(t16.slice).toBe(12 * MS); // latency 6 ms × 4, halved between two tasks
    expect(t16.wakeGran).toBe(4 * MS);
    expect(schedTunables(SCHED_CFS_6_1, 1, 1e9).slice).toBe(3 * MS);
    expect(schedTunables(SCHED_EEVDF_6_9, 16, 1e9).slice).toBe(3 * MS); // base slice 0.75 ms × 4
    expect(schedTunables(SCHED_EEVDF_6_9, 2, 1e9).slice).toBe(1.5 * MS);
  });

  it('CFS, one CPU: the woken kworker preempts at the next cond_resched, then slices end at ticks', () => {
    // The kworker, long asleep, is placed 3 ms (latency / 2) behind min_vruntime: more than wakeup_gran (1 ms)
    // ahead of it, so it runs at b's cond_resched at 10 ms. b waits until the first tick past the kworker's
    // 3 ms slice at which its lead exceeds the slice (16 ms); then turns of one tick, the one behind first.
    const r = runs({
      sched: SCHED_CFS_6_1,
      cpus: 1,
      chunks: [MS],
      loops: 30,
      queueAt: 9,
      steps: new Array(28).fill(0.5 * MS),
    });
    expect(r.out).toEqual([
      ['b', 0, 10 * MS],
      ['k', 10 * MS, 16 * MS],
      ['b', 16 * MS, 20 * MS],
      ['k', 20 * MS, 24 * MS],
      ['b', 24 * MS, 28 * MS],
      ['k', 28 * MS, 32 * MS],
      ['b', 32 * MS, 44 * MS],
    ]);
    expect(r.kEnd).toBe(36 * MS); // its last cond_resched yields: it ends when b next gives the CPU back
    expect(r.overlap).toEqual([]);
  });

  it('EEVDF, one CPU: no wakeup preemption within a slice; turns at the tick past each deadline', () => {
    // b passed its deadline at 8.75 ms (renewed by the tick at 8 ms): the wakeup's update_curr renews it and
    // reschedules, so the kworker runs at 10 ms; its deadline 0.75 ms on ends its turn at the 12 ms tick; then turns
    // of one tick each, the one behind in vruntime first.
    const r = runs({
      sched: SCHED_EEVDF_6_9,
      cpus: 1,
      chunks: [MS],
      loops: 30,
      queueAt: 9,
      steps: new Array(36).fill(0.5 * MS),
    });
    expect(r.out).toEqual([
      ['b', 0, 10 * MS],
      ['k', 10 * MS, 12 * MS],
      ['b', 12 * MS, 16 * MS],
      ['k', 16 * MS, 20 * MS],
      ['b', 20 * MS, 24 * MS],
      ['k', 24 * MS, 28 * MS],
      ['b', 28 * MS, 32 * MS],
      ['k', 32 * MS, 36 * MS],
      ['b', 36 * MS, 40 * MS],
      ['k', 40 * MS, 44 * MS],
      ['b', 44 * MS, 48 * MS],
    ]);
    expect(r.overlap).toEqual([]);
  });

  it('EEVDF: a kworker woken mid-slice waits for the tick past the running thread’s deadline', () => {
    // b is picked at 0 with deadline 0.75 ms; renewed at the 4 ms tick (deadline 4.75): the work queued at 4.5 ms
    // (lag 0, deadline 5.25) does not preempt; the tick at 8 ms does.
    const r = runs({
      sched: SCHED_EEVDF_6_9,
      cpus: 1,
      chunks: [0.5 * MS],
      loops: 30,
      queueAt: 8,
      steps: [MS],
    });
    expect(r.out.slice(0, 3)).toEqual([
      ['b', 0, 8 * MS],
      ['k', 8 * MS, 9 * MS],
      ['b', 9 * MS, 16 * MS],
    ]);
  });

  it('invariants: one runs at a time, CPU time is conserved, no wait beyond a slice, a tick and a step', () => {
    const ms = fc.integer({ min: 1, max: 40 }).map((x) => x * 0.1 * MS);
    fc.assert(
      fc.property(
        fc.boolean(),
        fc.integer({ min: 1, max: 16 }),
        fc.array(ms, { minLength: 1, maxLength: 5 }),
        fc.integer({ min: 0, max: 20 }),
        fc.array(ms, { minLength: 1, maxLength: 40 }),
        (eevdf, cpus, chunks, queueAt, steps) => {
          const sched = eevdf ? SCHED_EEVDF_6_9 : SCHED_CFS_6_1;
          const r = runs({ sched, cpus, chunks, loops: queueAt + 60, queueAt, steps });
          expect(r.overlap).toEqual([]);
          // Conserved: CPU 0's clock is the sum of what both spent, and the scheduler's runtime agrees.
          const spent = r.e.threads.filter((t) => t.cpu === 0).reduce((a, t) => a + t.sysCycles, 0);
          expect(spent).toBeCloseTo(r.e.clock[0], 3);
          const fs = r.e.fairShare;
          expect(fs).not.toBeNull();
          const ranK = fs?.ran[WORKER] ?? 0;
          expect(ranK).toBeCloseTo(
            steps.reduce((a, c) => a + c, 0),
            3,
          );
          expect(fs?.ran[BOUND] ?? 0).toBeLessThanOrEqual(r.e.clock[0]);
          // No starvation: while both are runnable (from the queueing to the end of the first to finish: with short
          // chunks the bound thread can end first, and the kworker then runs alone), a turn lasts at most
          // one slice, the tick that ends it and one cond_resched interval of the one running — plus, when the
          // pick keeps it (the other is ahead in vruntime: ineligible, or not leftmost), the other's lead, at most
          // one such overrun (a tick and an interval) or CFS's sleeper credit.
          const tun = schedTunables(sched, cpus, 1e9);
          const maxStep = Math.max(...chunks, ...steps);
          const bound = tun.slice + 2 * (tun.tick + maxStep) + (eevdf ? 0 : tun.sleeperCredit);
          let qTime = 0;
          for (let i = 0; i <= queueAt; i++) qTime += chunks[i % chunks.length];
          const both = Math.min(r.kEnd, r.bEnd);
          for (const [, s, end] of r.out) {
            const from = Math.max(s, qTime);
            if (end <= qTime || from >= both) continue;
            expect(Math.min(end, both) - from).toBeLessThanOrEqual(bound);
          }
        },
      ),
      {
        numRuns: 200,
        // Found by a CI run (seed 7612536): the bound thread's 60 loops of 0.1 ms end at 10.9 ms, long before the
        // kworker's 25.6 ms of steps; its last turn ran alone and was counted as a turn beside the other.
        examples: [[false, 1, [0.1 * MS], 0, [2.3, 2.6, 2.5, 2.1, 2.9, 2.1, 3.3, 2.9, 3.3, 1.6].map((x) => x * MS)]],
      },
    );
  });
});
