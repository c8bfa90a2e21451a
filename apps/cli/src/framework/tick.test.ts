import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { UsageError } from './errors.js';
import { checkTick, machineTick, parseTick, showTick, TICK_HANDLER_DEFAULT, tickOption, tickParams } from './tick.js';

describe('--tick values', () => {
  it('parses off, HZ, HZ:HANDLER, HZ:PHASE and HZ:HANDLER:PHASE', () => {
    expect(parseTick('off', '--tick')).toBeNull();
    expect(parseTick('250', '--tick')).toEqual({ hz: 250, handlerCycles: TICK_HANDLER_DEFAULT, phase: undefined });
    expect(parseTick('1000:8000', '--tick')).toEqual({ hz: 1000, handlerCycles: 8000, phase: undefined });
    expect(parseTick('100:stagger', '--tick')).toEqual({ hz: 100, handlerCycles: 5000, phase: 'stagger' });
    expect(parseTick('1000:0:era', '--tick')).toEqual({ hz: 1000, handlerCycles: 0, phase: 'era' });
    // A sweep file's bare number is HZ.
    expect(parseTick(300, 'grid.tick[0]')).toEqual({ hz: 300, handlerCycles: 5000, phase: undefined });
  });

  it('refuses anything else with one line naming where, what was given and what was expected', () => {
    const cases: [unknown, string][] = [
      ['', 'expected off or HZ'],
      ['on', 'expected off or HZ'],
      ['0', 'expected HZ an integer from 1 to 100000'],
      ['100001', 'expected HZ an integer from 1 to 100000'],
      ['-5', 'expected off or HZ'],
      ['1000:', 'expected off or HZ'],
      ['1000::stagger', 'expected off or HZ'],
      ['1000:5000:stagger:1', 'expected off or HZ'],
      ['1000:x', 'expected aligned, stagger or era as the phase'],
      ['1000:5000:skewed', 'expected aligned, stagger or era as the phase'],
      ['1000:stagger:5000', 'expected a phase as the third field'],
      ['1000:5e3', 'expected HANDLER_CYCLES an integer from 0 to 1000000000'],
      ['1000:1.5', 'expected HANDLER_CYCLES an integer from 0 to 1000000000'],
      [true, 'expected off or HZ'],
      [1.5, 'expected HZ an integer'],
    ];
    for (const [v, msg] of cases) {
      expect(() => parseTick(v, '--tick'), String(v)).toThrow(UsageError);
      expect(() => parseTick(v, '--tick'), String(v)).toThrow(msg);
      expect(() => parseTick(v, '--tick'), String(v)).toThrow(/^--tick: got /);
    }
  });

  it('shows a value the way it reads back (provenance, sweep keys)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 100_000 }),
        fc.integer({ min: 0, max: 1e9 }),
        fc.constantFrom(undefined, 'aligned', 'stagger', 'era'),
        (hz, handlerCycles, phase) => {
          const t = { hz, handlerCycles, phase } as const;
          expect(parseTick(showTick(t), '--tick')).toEqual(t);
        },
      ),
    );
    expect(showTick(null)).toBe('off');
    expect(tickOption.show(parseTick('1000:stagger', '--tick'))).toBe('1000:5000:stagger');
  });

  it('checks the handler against the period and era against the command', () => {
    const t = parseTick('1000:5000:era', '--tick');
    expect(() => checkTick(t, 2.3e9, true)).not.toThrow();
    expect(() => checkTick(t, 2.3e9, false)).toThrow(
      '--tick: got "1000:5000:era", expected aligned or stagger as the phase here',
    );
    // 2.3 GHz / 1000 HZ = 2,300,000 cycles a period: a handler of a whole period never ends.
    expect(() => checkTick(parseTick('1000:2300000', '--tick'), 2.3e9, false)).toThrow(
      'expected HANDLER_CYCLES below the period (2300000 cycles',
    );
    expect(() => checkTick(parseTick('1000:2299999', '--tick'), 2.3e9, false)).not.toThrow();
    expect(() => checkTick(undefined, 2.3e9, false)).not.toThrow();
  });

  it("gives the engine the phase asked for, or the design kernel's for era and by default", () => {
    expect(machineTick(undefined, 'stagger')).toBeUndefined();
    expect(machineTick(null)).toBeUndefined();
    const era = parseTick('250', '--tick');
    expect(machineTick(era, 'stagger')).toEqual({ hz: 250, handlerCycles: 5000, phase: 'stagger' });
    expect(machineTick(era)).toEqual({ hz: 250, handlerCycles: 5000, phase: 'aligned' });
    expect(machineTick(parseTick('250:aligned', '--tick'), 'stagger')?.phase).toBe('aligned');
  });

  it('records the tick in params only when on', () => {
    expect(tickParams(undefined)).toEqual({});
    expect(tickParams(null, { '2.6.28': 'stagger' })).toEqual({});
    const era = tickParams(parseTick('1000', '--tick'), { '2.6.28': 'stagger', '5.2': 'aligned' }).tick;
    expect(era).toMatchObject({ hz: 1000, handler_cycles: 5000, phase: 'era' });
    expect(era?.phase_by_impl).toEqual({ '2.6.28': 'stagger', '5.2': 'aligned' });
    const given = tickParams(parseTick('100:20000:stagger', '--tick'), undefined).tick;
    expect(given).toMatchObject({ hz: 100, handler_cycles: 20000, phase: 'stagger' });
    expect(given).not.toHaveProperty('phase_by_impl');
    expect(tickParams(parseTick('100', '--tick')).tick?.phase).toBe('aligned');
  });
});
