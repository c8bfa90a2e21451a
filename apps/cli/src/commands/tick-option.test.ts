// --tick on the commands that build machines: refused input, what a run records, the sampling warning.

import { x86_64 } from '@kmemsim/arch-x86_64';
import { describe, expect, it } from 'vitest';
import { parseTick } from '../framework/tick.js';
import { cli } from '../testing/in-process.js';
import { parseTypedDocument } from './typed-runs.js';
import { machineFactory, TICK_SAMPLING_WARNING } from './vmalloc-common.js';

const TV = 'test-vmalloc --cpus 4 --nr-threads 4 --run-test-mask 1 --test-loop-count 2000 --sensitivity off'.split(' ');
/** 5.2's long_busy_list at 4 × 1000 extrapolates loops. */
const SAMPLED = 'test-vmalloc --cpus 4 --nr-threads 4 --run-test-mask 4 --test-loop-count 1000 --impl 5.2'.split(' ');

async function json(args: string[]) {
  const r = await cli([...args, '--format', 'json']);
  expect(r.code, r.err).toBe(0);
  return { doc: JSON.parse(r.out), err: r.err };
}

describe('--tick', () => {
  it('refuses bad values with one line naming --tick, exit 2, on every machine command', async () => {
    // [command, --tick, the value as the error shows it (defaults filled in), what it expected]
    const cases: [string[], string, string, string][] = [
      [['test-vmalloc', '--impl', '5.2'], '1000:fast', '1000:fast', 'expected aligned, stagger or era as the phase'],
      [['vmap-bench', '--threads', '1'], '0', '0', 'expected HZ an integer from 1 to 100000'],
      [['xfs-dir', '--threads', '1'], '1000:5000:1', '1000:5000:1', 'expected a phase as the third field'],
      // The handler must end within the period: x86_64's 2.3 GHz / 100,000 HZ = 23,000 cycles.
      [['test-vmalloc', '--impl', '5.2'], '100000:23000', '100000:23000', 'expected HANDLER_CYCLES below the period'],
      // era is a vmap design's kernel: the commands without one refuse it.
      [['checkpoint'], '250:era', '250:5000:era', 'expected aligned or stagger as the phase here'],
      [['rmap-fork'], '100:5000:era', '100:5000:era', 'expected aligned or stagger as the phase here'],
      [['vmcore-dump', '--mem', '64MiB'], '1000:era', '1000:5000:era', 'expected aligned or stagger as the phase here'],
    ];
    for (const [args, tick, shown, msg] of cases) {
      const r = await cli([...args, '--tick', tick]);
      expect(r.code, `${args[0]} ${tick}`).toBe(2);
      expect(r.err.trim().split('\n')).toHaveLength(1);
      expect(r.err).toContain(`--tick: got "${shown}", ${msg}`);
    }
  });

  it('off (or absent) runs as before; on, the tick is in params and each design takes its era phase', async () => {
    const base = [...TV, '--impl', '2.6.28,5.2', '--exact', 'on'];
    const absent = (await json(base)).doc;
    const off = (await json([...base, '--tick', 'off'])).doc;
    expect(absent.params).not.toHaveProperty('tick');
    expect(off.params).toEqual(absent.params);
    expect(off.runs).toEqual(absent.runs);
    expect(absent.provenance.options).not.toHaveProperty('tick');

    const era = await json([...base, '--tick', '1000']);
    expect(era.err).toBe(''); // --exact on: no sampling warning
    expect(era.doc.params.tick).toMatchObject({
      hz: 1000,
      handler_cycles: 5000,
      handler_cycles_range: [2000, 20000],
      phase: 'era',
      phase_by_impl: { '2.6.28': 'stagger', '5.2': 'aligned' },
    });
    for (const r of era.doc.runs) expect(r.counters.timer_tick, r.variant.impl).toBeGreaterThan(0);
    expect(() => parseTypedDocument('test-vmalloc', era.doc)).not.toThrow();
    // The era phases are the ones given explicitly.
    const stagger = (await json([...TV, '--impl', '2.6.28', '--exact', 'on', '--tick', '1000:5000:stagger'])).doc;
    const aligned = (await json([...TV, '--impl', '5.2', '--exact', 'on', '--tick', '1000:5000:aligned'])).doc;
    expect(stagger.runs[0]).toEqual(era.doc.runs[0]);
    expect(aligned.runs[0]).toEqual(era.doc.runs[1]);
    expect(stagger.params.tick).toMatchObject({ phase: 'stagger' });
    expect(stagger.params.tick).not.toHaveProperty('phase_by_impl');
    // The tick costs time: the handler is charged where it lands.
    expect(era.doc.runs[1].metrics.worker_cycles_avg).toBeGreaterThan(absent.runs[1].metrics.worker_cycles_avg);
  }, 120_000);

  it("builds each design's machine with its kernel's phase (the sensitivity sweeps call it with the impl too)", async () => {
    const make = await machineFactory({ virt: 'none', cpus: 4, seed: 1, tick: parseTick('1000', '--tick') });
    const phases = (impl?: string) => Array.from(make(x86_64, impl).engine.tick?.phase ?? []);
    // stagger: CPU c at ⌊(P / 2) / 4⌋ × c, P = 2,300,000 cycles.
    expect(phases('2.6.28')).toEqual([0, 287_500, 575_000, 862_500]);
    expect(phases('lazy')).toEqual([0, 287_500, 575_000, 862_500]);
    expect(phases('5.2')).toEqual([0, 0, 0, 0]);
    expect(phases()).toEqual([0, 0, 0, 0]);
    const off = await machineFactory({ virt: 'none', cpus: 4, seed: 1 });
    expect(off(x86_64, '2.6.28').engine.tick).toBeNull();
  });

  it('warns once when a run with the tick extrapolated loops, not when every loop ran in detail', async () => {
    const sampled = await json([...SAMPLED, '--tick', '250']);
    expect(sampled.doc.runs[0].metrics.loops_extrapolated).toBeGreaterThan(0);
    expect(sampled.err).toBe(`kmemsim: warning: ${TICK_SAMPLING_WARNING}\n`);
    expect((await json(SAMPLED)).err).toBe('');
    expect((await json([...SAMPLED, '--tick', '250', '--exact', 'on'])).err).toBe('');
    // Nothing extrapolated (every loop in detail without --exact): no warning either.
    const whole = await json([...TV, '--impl', '5.2', '--tick', '250']);
    expect(whole.doc.runs[0].metrics.loops_extrapolated).toBe(0);
    expect(whole.err).toBe('');
  }, 120_000);

  it('reaches the machines of the other commands (aligned by default)', async () => {
    const cp = (await json(['checkpoint', '--size', '8MiB', '--map', 'kmap', '--tick', '1000:2000'])).doc;
    expect(cp.params.tick).toMatchObject({ hz: 1000, handler_cycles: 2000, phase: 'aligned' });
    expect(cp.runs[0].counters.timer_tick).toBeGreaterThan(0);
    expect(() => parseTypedDocument('checkpoint', cp)).not.toThrow();
    const cpOff = (await json(['checkpoint', '--size', '8MiB', '--map', 'kmap'])).doc;
    expect(cpOff.params).not.toHaveProperty('tick');
    expect(cpOff.runs[0].counters).not.toHaveProperty('timer_tick');
  }, 120_000);
});
