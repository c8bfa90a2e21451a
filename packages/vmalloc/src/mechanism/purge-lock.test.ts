import { x86_64 } from '@kmemsim/arch-x86_64';
import type { Thread } from '@kmemsim/core';
import { Machine } from '@kmemsim/mmu';
import { describe, expect, it } from 'vitest';
import { resolveDesign } from '../designs/registry.js';
import { PurgeLock } from './purge-lock.js';

describe('PurgeLock: purge_lock, or vmap_purge_lock with sleeping waiters', () => {
  it('the era names the lock: purge_lock (2.6.28), vmap_purge_lock (6.9)', () => {
    const m = new Machine({ arch: x86_64, cpus: 2 });
    expect(new PurgeLock(m, resolveDesign('2.6.28')).lock.name).toBe('purge_lock');
    expect(new PurgeLock(m, resolveDesign('6.9')).lock.name).toBe('vmap_purge_lock');
  });

  it('a waiter sleeps while the lock is held and takes it when the holder releases it, at the release time', () => {
    const m = new Machine({ arch: x86_64, cpus: 2 });
    const pl = new PurgeLock(m, resolveDesign('6.9'));
    const seen: { state: string; sleeping: boolean }[] = [];
    let released = -1;
    let took = -1;
    let b: Thread | null = null;
    m.engine.spawn(0, 'holder', function* (t) {
      yield* pl.lockSleeping(t);
      t.spend('hold', 50_000);
      yield undefined; // the waiter on CPU 1 runs up to its lock attempt meanwhile
      const w = b as Thread;
      seen.push({ state: w.state, sleeping: w.sleeping });
      released = t.clock;
      pl.unlock(t);
    });
    b = m.engine.spawn(1, 'waiter', function* (t) {
      t.spend('before', 1_000);
      yield undefined;
      yield* pl.lockSleeping(t);
      took = t.clock;
      expect(pl.lock.holder).toBe(t);
      pl.unlock(t);
    });
    m.engine.run();
    expect(seen).toEqual([{ state: 'blocked', sleeping: true }]);
    expect(released).toBeGreaterThanOrEqual(50_000);
    // Woken at the release: it takes the lock then, its acquisition cost (hundreds of cycles) later.
    expect(took).toBeGreaterThanOrEqual(released);
    expect(took - released).toBeLessThan(2_000);
    expect(pl.lock.holder).toBeNull();
  });
});
