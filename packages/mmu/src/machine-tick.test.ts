import x86_64 from '@kmemsim/arch-x86_64';
import { describe, expect, it } from 'vitest';
import { Machine } from './machine.js';

describe('Machine tick option', () => {
  it('passes the timer tick to its engine; none by default', () => {
    expect(new Machine({ arch: x86_64, cpus: 4 }).engine.tick).toBeNull();
    const m = new Machine({ arch: x86_64, cpus: 4, tick: { hz: 1000, handlerCycles: 5000, phase: 'stagger' } });
    expect(m.engine.tick?.period).toBe(m.engine.clockHz / 1000);
    expect([...(m.engine.tick?.phase ?? [])]).toEqual(
      [0, 1, 2, 3].map((c) => c * Math.floor(m.engine.clockHz / 2000 / 4)),
    );
  });

  it('a busy CPU takes HZ ticks a second, each lengthening its work by the handler', () => {
    const m = new Machine({ arch: x86_64, cpus: 2, tick: { hz: 250, handlerCycles: 4000, phase: 'aligned' } });
    const e = m.engine;
    e.spawn(1, 'busy', function* (t) {
      t.spend('work', e.clockHz); // one second of work: 250 ticks
    });
    e.run();
    expect(e.tick?.ticks).toBe(250);
    expect(e.clock[1]).toBe(e.clockHz + 250 * 4000);
  });
});
