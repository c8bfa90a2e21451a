import i386 from '@kmemsim/arch-i386';
import { Engine } from '@kmemsim/core';
import { describe, expect, it } from 'vitest';
import { runSeed000 } from './experiments/fit.js';
import { SEED000 } from './experiments/seed000.js';
import { IDLE_SYMBOL, readprofileRows } from './readprofile.js';

const IRQ_OFF = new Set(['smp_call_function_single_interrupt']);

describe('readprofile: IPI handlers at IF = 0 and idle CPUs (NO_HZ)', () => {
  // 1 tick = 1,000 cycles (1 MHz clock, HZ 1,000). CPU 0 works 10,000 and waits 4,000 for I/O; CPU 1 is idle and
  // takes a 3,000-cycle handler (charged on the idle path, as shootdownAll does for an idle target).
  const run = () => {
    const e = new Engine({ cpus: 2, clockHz: 1e6 });
    const handler = e.sym('smp_call_function_single_interrupt');
    const t = e.spawn(0, 'w', function* (t) {
      t.spend('work', 6_000);
      e.chargeAllButSelf(0, handler, 3_000);
      t.spend('work', 4_000);
      t.idleUntil(t.clock + 4_000, e.sym('io_schedule', 'idle'));
    });
    e.run();
    return { e, t };
  };

  it('NO_HZ: the idle CPU takes no ticks, its handler included; the busy CPU is sampled as before', () => {
    const { e, t } = run();
    expect(e.profiler.cyclesOf('smp_call_function_single_interrupt')).toBe(3_000);
    const rows = readprofileRows(e, { nohz: true, hz: 1_000, writers: [t], realCycles: 14_000, irqOff: IRQ_OFF });
    expect(rows).toEqual([{ symbol: 'work', cycles: 10_000, ticks: 10, percent: 100, load: 0 }]);
  });

  it('periodic tick: the idle loop holds every idle CPU cycle (the handler is sampled at its iret, in the idle loop)', () => {
    const { e, t } = run();
    const rows = readprofileRows(e, { nohz: false, hz: 1_000, writers: [t], realCycles: 14_000, irqOff: IRQ_OFF });
    expect(rows).toEqual([
      { symbol: IDLE_SYMBOL, cycles: 14_000 + 4_000, ticks: 18, percent: 64.29, load: 0 },
      { symbol: 'work', cycles: 10_000, ticks: 10, percent: 35.71, load: 0 },
    ]);
  });

  it('on a busy CPU the handler is sampled in the task it interrupted, in proportion to its functions', () => {
    const e = new Engine({ cpus: 2, clockHz: 1e6 });
    const handler = e.sym('smp_call_function_single_interrupt');
    const a = e.spawn(0, 'a', function* (t) {
      t.spend('x', 2_000);
      yield undefined;
      e.chargeCpu(1, handler, 4_000);
      t.spend('x', 2_000);
    });
    const b = e.spawn(1, 'b', function* (t) {
      t.spend('y', 3_000);
      t.spend('z', 1_000);
      yield undefined;
      t.spend('y', 3_000);
      t.spend('z', 1_000);
    });
    e.run();
    expect(e.profiler.cyclesOf('smp_call_function_single_interrupt')).toBe(4_000);
    const rows = readprofileRows(e, { nohz: true, hz: 1_000, writers: [a, b], realCycles: 12_000, irqOff: IRQ_OFF });
    expect(rows.map((r) => [r.symbol, r.cycles, r.ticks])).toEqual([
      ['y', 6_000 + 3_000, 9],
      ['x', 4_000, 4],
      ['z', 2_000 + 1_000, 3],
    ]);
  });

  it('seed 000 both ways: the same rows and checks, plus a default_idle row far above the top 20 without NO_HZ', () => {
    const on = runSeed000(i386, SEED000, 'kmap');
    const off = runSeed000(i386, { ...SEED000, config: { ...SEED000.config, nohz: false } }, 'kmap');
    // The target's handler is not sampled in itself either way; the sender's wait is.
    for (const r of [on, off]) {
      expect(r.profile.some((x) => x.symbol === 'smp_call_function_single_interrupt')).toBe(false);
      expect(r.profile.find((x) => x.symbol === 'smp_call_function_single')!.ticks).toBeGreaterThan(0);
    }
    const idle = off.profile[0]!;
    expect(idle.symbol).toBe(IDLE_SYMBOL);
    // One idle vCPU for the whole run plus the writer's io-wait (none: the disk keeps up): 250 ticks per second.
    expect(idle.ticks).toBe(Math.round(on.time.real_s * 250));
    expect(idle.ticks).toBeGreaterThan(100 * 23);
    const strip = (p: typeof on.profile) => p.filter((x) => x.symbol !== IDLE_SYMBOL).map((x) => [x.symbol, x.ticks]);
    expect(strip(off.profile)).toEqual(strip(on.profile));
    expect(off.time).toEqual(on.time);
  });
});
