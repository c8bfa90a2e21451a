import { describe, expect, it } from 'vitest';
import { DeadlockError, Engine, SimulationError } from './engine.js';
import { Mutex, RwLock, Spinlock } from './locks.js';

const costs = { symbol: '_spin_lock', acquireCycles: 10, handoffCycles: 100 };

describe('Spinlock (cycle counts computed by hand)', () => {
  it('a release processed ahead of time still makes an earlier-clocked acquirer wait until it', () => {
    const e = new Engine({ cpus: 2, clockHz: 1e9 });
    const l = new Spinlock(e, 'l', costs);
    const a = e.spawn(0, 'a', function* (t) {
      t.spend('work', 5);
      yield l.lock(t); // at 5: uncontended, +10 → 15
      t.spend('crit', 50); // 65
      l.unlock(t); // freeAt = 65
    });
    const b = e.spawn(1, 'b', function* (t) {
      t.spend('work', 20);
      yield l.lock(t); // at 20 < freeAt 65: waits 45, then hand-off 100 + acquire 10 → 175
      t.spend('crit', 30); // 205
      l.unlock(t);
    });
    e.run();
    expect(a.endCycle).toBe(65);
    expect(b.endCycle).toBe(205);
    expect(e.profiler.cyclesOf('_spin_lock')).toBe(10 + 45 + 110);
  });

  it('a blocked waiter is handed the lock at release time plus the hand-off', () => {
    const e = new Engine({ cpus: 2, clockHz: 1e9 });
    const l = new Spinlock(e, 'l', costs);
    const a = e.spawn(0, 'a', function* (t) {
      yield l.lock(t); // 0 → 10
      t.spend('crit', 100); // 110
      yield undefined; // lets b try the lock at 10 and block
      t.spend('crit', 100); // 210
      l.unlock(t);
    });
    const b = e.spawn(1, 'b', function* (t) {
      t.spend('work', 10);
      yield l.lock(t); // blocks at 10; granted at 210: wait 200 + 110 → 320
      l.unlock(t);
    });
    e.run();
    expect(a.endCycle).toBe(210);
    expect(b.endCycle).toBe(320);
    expect(e.profiler.cyclesOf('_spin_lock')).toBe(10 + 200 + 110);
    expect(e.counters.get('lock_contended')).toBe(1);
    expect(b.sysCycles).toBe(10 + 200 + 110);
  });

  it('an acquire named for its caller charges the caller: uncontended, cold, spin and hand-off (profile_pc)', () => {
    const e = new Engine({ cpus: 2, clockHz: 1e9 });
    const l = new Spinlock(e, 'l', costs);
    const kmapHigh = e.sym('kmap_high');
    const kunmapHigh = e.sym('kunmap_high');
    e.spawn(0, 'a', function* (t) {
      yield l.lock(t, kmapHigh); // 0 → 10, kmap_high
      t.spend('crit', 100); // 110
      yield undefined; // lets b block at 10
      t.spend('crit', 100); // 210
      l.unlock(t);
      t.spend('work', 500); // 710: b released at 430
      yield l.lock(t, kunmapHigh); // line on CPU 1: 10 + 100 cold → 820, kunmap_high
      l.unlock(t);
      yield l.lock(t); // the lock's own symbol: 10 → 830
      l.unlock(t);
    });
    e.spawn(1, 'b', function* (t) {
      t.spend('work', 10);
      yield l.lock(t, kunmapHigh); // blocks at 10; granted at 210: wait 200 + 110 → 320, kunmap_high
      t.spend('crit', 110); // 430
      l.unlock(t);
    });
    e.run();
    expect(e.profiler.cyclesOf('kmap_high')).toBe(10);
    expect(e.profiler.cyclesOf('kunmap_high')).toBe(200 + 110 + 110);
    expect(e.profiler.cyclesOf('_spin_lock')).toBe(10);
    expect(l.acquisitions).toBe(4);
    expect(l.contentions).toBe(1);
    expect(l.lock(e.threads[0], kmapHigh)).toBe(l.lock(e.threads[1], kmapHigh)); // one op per caller symbol
    expect(l.lock(e.threads[0], l.sym)).toBe(l);
  });

  it('releasing a lock that is not held throws', () => {
    const e = new Engine({ cpus: 1, clockHz: 1e9 });
    const l = new Spinlock(e, 'l', costs);
    e.spawn(0, 'a', function* (t) {
      l.unlock(t);
    });
    expect(() => e.run()).toThrow(SimulationError);
  });

  it('detects a deadlock (ABBA) and names the waiters', () => {
    const e = new Engine({ cpus: 2, clockHz: 1e9 });
    const A = new Spinlock(e, 'A', costs);
    const B = new Spinlock(e, 'B', costs);
    e.spawn(0, 'x', function* (t) {
      yield A.lock(t);
      t.spend('w', 1000);
      yield B.lock(t);
    });
    e.spawn(1, 'y', function* (t) {
      yield B.lock(t);
      t.spend('w', 1000);
      yield A.lock(t);
    });
    expect(() => e.run()).toThrow(DeadlockError);
    expect(() => e.run()).not.toThrow(/already running/);
  });
});

describe('RwLock', () => {
  it('readers share; a writer waits for the last reader', () => {
    const e = new Engine({ cpus: 3, clockHz: 1e9 });
    const rw = new RwLock(e, 'vmlist_lock', { symbol: '_write_lock', acquireCycles: 10, handoffCycles: 100 });
    const r1 = e.spawn(0, 'r1', function* (t) {
      yield rw.readLock(t); // 0 → 10
      t.spend('read', 100); // 110
      yield undefined;
      rw.readUnlock(t);
    });
    const r2 = e.spawn(1, 'r2', function* (t) {
      yield rw.readLock(t); // shares: 0 → 10 + 100 (line held by cpu 0 last) = 110
      t.spend('read', 100); // 210
      yield undefined;
      rw.readUnlock(t);
    });
    const w = e.spawn(2, 'w', function* (t) {
      t.spend('work', 50);
      yield rw.writeLock(t); // blocks at 50; last reader leaves at 210 → 210 + 110 = 320
      rw.writeUnlock(t);
    });
    e.run();
    expect(r1.endCycle).toBe(110);
    expect(r2.endCycle).toBe(210);
    expect(w.endCycle).toBe(320);
  });
});

describe('Mutex', () => {
  it('a sleeper wakes at release + wake-up, the gap is idle time', () => {
    const e = new Engine({ cpus: 2, clockHz: 1e9 });
    const m = new Mutex(e, 'm', {
      symbol: 'mutex_lock',
      acquireCycles: 10,
      handoffCycles: 0,
      wakeupCycles: 500,
      sleepSymbol: 'schedule',
    });
    e.spawn(0, 'a', function* (t) {
      yield m.lock(t); // 10
      t.spend('crit', 90); // 100
      yield undefined;
      t.spend('crit', 100); // 200
      m.unlock(t);
    });
    const b = e.spawn(1, 'b', function* (t) {
      t.spend('w', 20);
      yield m.lock(t); // sleeps from 20 to 200, then 500 + 10
    });
    e.run();
    expect(b.endCycle).toBe(710);
    expect(b.idleCycles).toBe(180);
    expect(b.sysCycles).toBe(20 + 510); // "w" is a sys symbol
  });
});

describe('Locks mark their symbols (Profiler.lock: what a waiter spent on another thread)', () => {
  it("every kind of lock marks the symbol it charges to; other symbols stay unmarked, past the table's growth", () => {
    const e = new Engine({ cpus: 1, clockHz: 1e9 });
    const work = e.sym('work');
    for (let i = 0; i < 200; i++) e.sym(`f${i}`); // grows the per-symbol arrays past 64
    new Spinlock(e, 's', { ...costs, symbol: 'spin_sym' });
    new RwLock(e, 'r', { ...costs, symbol: 'rw_sym' });
    new Mutex(e, 'm', { ...costs, symbol: 'mutex_sym', wakeupCycles: 50, sleepSymbol: 'schedule' });
    const p = e.profiler;
    for (const name of ['spin_sym', 'rw_sym', 'mutex_sym']) expect(p.lock[e.sym(name)]).toBe(1);
    expect(p.lock[work]).toBe(0);
    expect(p.lock[e.sym('schedule', 'idle')]).toBe(0);
    expect(p.lock[e.sym('f150')]).toBe(0);
  });
});
