import { describe, expect, it } from 'vitest';
import { Engine } from './engine.js';
import { Ipi } from './ipi.js';

const costs = { sendCycles: 100, broadcastShorthand: false, deliveryCycles: 50, handlerEntryCycles: 30, ackCycles: 20 };

describe('IPIs (cycle counts computed by hand)', () => {
  it('sender pays sends and waits for the slowest ack; every target is charged the handler', () => {
    const e = new Engine({ cpus: 4, clockHz: 1e9 });
    const ipi = new Ipi(e, costs);
    const H = e.sym('smp_invalidate_interrupt');
    const S = e.sym('smp_call_function');
    const sender = e.spawn(0, 'sender', function* (t) {
      yield ipi.call(t, { targets: 'allbutself', handlerSym: H, handlerCycles: 200, senderSym: S });
    });
    const others = [1, 2, 3].map((c) =>
      e.spawn(c, `w${c}`, function* (t) {
        t.spend('work', 1000);
        yield undefined;
      }),
    );
    e.run();
    // 3 sends × 100, then delivery 50 + (entry 30 + handler 200) + ack 20.
    expect(sender.endCycle).toBe(300 + 50 + 230 + 20);
    for (const w of others) expect(w.endCycle).toBe(1000 + 230);
    expect(e.profiler.cyclesOf('smp_invalidate_interrupt')).toBe(3 * 230);
    expect(e.profiler.cyclesOf('smp_call_function')).toBe(600);
    expect(e.counters.get('ipi')).toBe(3);
    for (const w of others) expect(w.sysCycles).toBe(1000 + 230);
  });

  it('with the all-but-self shorthand one send reaches every target', () => {
    const e = new Engine({ cpus: 8, clockHz: 1e9 });
    const ipi = new Ipi(e, { ...costs, broadcastShorthand: true });
    const H = e.sym('h');
    const S = e.sym('s');
    const t0 = e.spawn(0, 'sender', function* (t) {
      yield ipi.call(t, { targets: 'allbutself', handlerSym: H, handlerCycles: 0, senderSym: S });
    });
    e.run();
    expect(t0.endCycle).toBe(100 + 50 + 30 + 20);
    expect(e.profiler.cyclesOf('h')).toBe(7 * 30);
  });

  it('a targeted IPI charges only the listed CPUs', () => {
    const e = new Engine({ cpus: 4, clockHz: 1e9 });
    const ipi = new Ipi(e, costs);
    const H = e.sym('h');
    const S = e.sym('s');
    e.spawn(0, 'sender', function* (t) {
      yield ipi.call(t, { targets: [2], handlerSym: H, handlerCycles: 70, senderSym: S });
    });
    e.run();
    expect(e.clock[2]).toBe(100);
    expect(e.clock[1]).toBe(0);
    expect(e.clock[0]).toBe(100 + 50 + 100 + 20);
  });
});
