import { Engine, Spinlock } from '@kmemsim/core';
import { describe, expect, it } from 'vitest';
import type { Loop } from './sampler-loop.js';
import { WaitTally } from './sampler-wait.js';

const costs = { symbol: '_spin_lock', acquireCycles: 10, handoffCycles: 100 };

describe('WaitTally: cycles an iteration spent on other workers', () => {
  it("counts a lock's spin, hand-off and acquire, not the thread's own work (cycle counts by hand)", () => {
    const e = new Engine({ cpus: 2, clockHz: 1e9 });
    const w = new WaitTally(e);
    w.start();
    const l = new Spinlock(e, 'l', costs);
    let waited = -1;
    e.spawn(0, 'a', function* (t) {
      yield l.lock(t); // 0 → 10
      t.spend('crit', 100); // 110
      yield undefined; // lets b block at 10
      t.spend('crit', 100); // 210
      l.unlock(t);
    });
    e.spawn(1, 'b', function* (t) {
      const loop = { t, lastClock: t.clock } as unknown as Loop;
      w.mark(t);
      t.spend('work', 10);
      yield l.lock(t); // blocks at 10; granted at 210: wait 200 + hand-off 100 + acquire 10 → 320
      t.spend('crit', 30); // 350
      l.unlock(t);
      waited = w.waited(loop);
    });
    e.run();
    expect(waited).toBe(200 + 110);
  });

  it('counts nothing before start, and a skip within an iteration is no wait (jumped)', () => {
    const e = new Engine({ cpus: 1, clockHz: 1e9 });
    const w = new WaitTally(e);
    new Spinlock(e, 'l', costs); // marks _spin_lock as a lock's symbol
    let before = -1;
    let after = -1;
    e.spawn(0, 'a', function* (t) {
      const loop = { t, lastClock: t.clock } as unknown as Loop;
      w.mark(t);
      t.spend('_spin_lock', 50);
      before = w.waited(loop);
      w.start();
      w.mark(t);
      loop.lastClock = t.clock;
      t.spend('_spin_lock', 40);
      t.spend('work', 60);
      // A skip moves the clock and charges the jump (sampler-replay.ts chargeJump); lastClock moves with it.
      e.clock[t.cpu] += 1_000;
      t.sysCycles += 1_000;
      loop.lastClock += 1_000;
      w.jumped(t, 1_000);
      after = w.waited(loop);
      yield undefined;
    });
    e.run();
    expect(before).toBe(0);
    expect(after).toBe(40);
  });

  it("reads the lock flag, not the name: a lock's own symbol counts, a lock-like name no lock made does not", () => {
    const e = new Engine({ cpus: 1, clockHz: 1e9 });
    const w = new WaitTally(e);
    new Spinlock(e, 'l', { ...costs, symbol: 'vmap_purge_wait' });
    w.start();
    let waited = -1;
    e.spawn(0, 'a', function* (t) {
      const loop = { t, lastClock: t.clock } as unknown as Loop;
      w.mark(t);
      t.spend('vmap_purge_wait', 30);
      t.spend('_raw_spin_lock', 70);
      waited = w.waited(loop);
      yield undefined;
    });
    e.run();
    expect(waited).toBe(30);
  });
});
