import type { Thread } from '@kmemsim/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { emptyKind, type Kind, Loop } from './sampler-loop.js';
import {
  CycleLog,
  LENGTHENING,
  REACH_CYCLES,
  REACH_FACTOR,
  REACH_MAX,
  REACH_WIDE_CYCLES,
} from './sampler-round-reach.js';

/** A steady loop of `count` iterations on a bare thread whose clock the test moves. */
function loop(tag: string, count = 1_000_000): Loop {
  return new Loop({ clock: 0 } as Thread, count, tag, null, false);
}

/** Moves each loop on by `n` loops at `c` cycles per loop. */
function run(loops: Loop[], n: number, c: number): void {
  for (const l of loops) {
    (l.t as { clock: number }).clock += n * c;
    l.done += n;
  }
}

/** A kind with one round per flush (loops per thread `n`), for the rate's rounds-per-skip figures. */
function kindOf(flushes: number, threads: number, n: number): Kind {
  const k = emptyKind();
  for (let i = 0; i < flushes; i++) {
    k.round.push(i + 1);
    k.ev.push(i);
    k.y.push(threads * n * 1_000);
    k.n.push(threads * n);
    k.q.push(threads * n * n);
    k.k.push(threads);
  }
  return k;
}

/** A log of cycles of `n` loops per thread at the given cycles per loop (one per flush), two threads. */
function logOf(rates: number[], n = 1_000, lengths: number[] = []): { log: CycleLog; loops: Loop[] } {
  const log = new CycleLog();
  const loops = [loop('a'), loop('a')];
  log.flush(1, loops);
  rates.forEach((c, i) => {
    run(loops, lengths[i] ?? n, c);
    log.flush(i + 2, loops);
  });
  return { log, loops };
}

describe('CycleLog (whole flush cycles of a steady kind)', () => {
  it('logs a cycle only when every thread of the kind was in it since the last flush', () => {
    const log = new CycleLog();
    const a = loop('a');
    const b = loop('a');
    log.flush(1, [a]);
    run([a], 100, 10);
    // b joins mid-cycle: the cycle is not whole; from here both are in.
    log.flush(2, [a, b]);
    expect(log.rate('a', kindOf(20, 2, 100), 0.5, 0, 0)).toBeNull();
    for (let i = 0; i < REACH_CYCLES; i++) {
      run([a, b], 100, 10);
      log.flush(3 + i, [a, b]);
    }
    const r = log.rate('a', kindOf(20, 2, 100), 0.01, 0, 0);
    expect(r?.c).toBeCloseTo(10, 12);
    expect(r?.h).toBeCloseTo(0, 12);
  });

  it('a skip restarts the log: the cycle that straddles it is not logged', () => {
    const { log, loops } = logOf(new Array(REACH_CYCLES - 1).fill(2_000));
    log.restart(100);
    run(loops, 1_000, 50_000);
    log.flush(101, loops);
    // Only REACH_CYCLES − 1 cycles: the one across the restart would have been the 8th.
    expect(log.rate('a', kindOf(20, 2, 1_000), 0.5, 0, 0)).toBeNull();
    run(loops, 1_000, 2_000);
    log.flush(102, loops);
    expect(log.rate('a', kindOf(20, 2, 1_000), 0.5, 0, 0)?.c).toBeCloseTo(2_000, 9);
  });
});

describe('CycleLog.rate (the target the phase can reach)', () => {
  // Ten settled cycles about 10 % apart in rate, as 6.9's fix_size at 64 CPUs: about 6 % wide.
  const rates = [4_000, 4_400, 3_700, 4_300, 3_900, 4_600, 4_100, 3_800, 4_200, 4_500];

  /** A span no skip would exceed: the prediction factor √(1 + m/R) is then 1 to within 1e-6. */
  const FAR = 1e15;

  it('within the target: the rate; wider: only where the phase cannot hold the cycles the target needs', () => {
    const { log } = logOf([...rates, ...rates]);
    const k = kindOf(40, 2, 1_000);
    const wide = log.rate('a', k, 0.5, 0, 0, FAR);
    expect(wide).not.toBeNull();
    const h = (wide?.h as number) / (wide?.c as number);
    // Twenty settled cycles: about 2 % wide, over the 1 % target.
    expect(h).toBeGreaterThan(0.01);
    expect(h).toBeLessThan(0.1);
    // At 1 %: 20 · (h / 1 %)² cycles needed; 2,000 loops per cycle. A phase with 100 cycles left waits; 5 left, skips.
    const needed = 20 * (h / 0.01) ** 2;
    expect(log.rate('a', k, 0.01, (needed + 10) * 2_000, 0, FAR)).toBeNull();
    const r = log.rate('a', k, 0.01, 5 * 2_000, 0, FAR);
    expect(r?.h).toBeCloseTo(wide?.h as number, 4);
    expect(r?.perRound).toBe(1_000);
  });

  it('the half-width predicts the span skipped: √(1 + m/R) wider for R cycles of it', () => {
    const { log } = logOf([...rates, ...rates]);
    const k = kindOf(40, 2, 1_000);
    const base = log.rate('a', k, 0.5, 0, 0, FAR)?.h as number;
    // 20 settled cycles of 2,000 loops; a span of 10 cycles: × √3; of under one cycle: × √21.
    expect(log.rate('a', k, 0.5, 0, 0, 10 * 2_000)?.h).toBeCloseTo(base * Math.sqrt(3), 6);
    expect(log.rate('a', k, 0.5, 0, 0, 500)?.h).toBeCloseTo(base * Math.sqrt(21), 6);
  });

  it(`wider than the target only after ${REACH_WIDE_CYCLES} settled cycles, and at most ${REACH_FACTOR}× the target`, () => {
    const k = kindOf(40, 2, 1_000);
    const few = logOf(rates.concat(rates.slice(0, REACH_WIDE_CYCLES - 1 - rates.length))).log;
    const why: string[] = [];
    expect(few.rate('a', k, 0.01, 0, 0, FAR, (w) => why.push(w))).toBeNull();
    expect(why).toEqual([expect.stringContaining(`wide under ${REACH_WIDE_CYCLES}`)]);
    // Within the target it needs only REACH_CYCLES.
    expect(few.rate('a', k, 0.5, 0, 0, FAR)).not.toBeNull();
    const { log } = logOf([...rates, ...rates]);
    const h = (log.rate('a', k, 0.5, 0, 0, FAR)?.h as number) / 4_150;
    expect(log.rate('a', k, 0.01, 0, 0, FAR)).not.toBeNull();
    // A target of h / 20: the cap (10×) is h / 2, under the half-width reached.
    expect(log.rate('a', k, h / 20, 0, 0, FAR, (w) => why.push(w))).toBeNull();
    expect(why[1]).toMatch(/over the cap/);
    expect(log.rate('a', k, h / 5, 0, 0, FAR)).not.toBeNull();
  });

  it(`too few settled cycles (under ${REACH_CYCLES}), or a trend between halves: no rate`, () => {
    expect(logOf(rates.slice(0, REACH_CYCLES - 1)).log.rate('a', kindOf(20, 2, 1_000), 0.5, 0, 0)).toBeNull();
    const rising = rates.map((c, i) => c + 800 * i);
    expect(logOf(rising).log.rate('a', kindOf(20, 2, 1_000), 0.5, 0, 0)).toBeNull();
  });

  it(`cycles still lengthening (second half over ${LENGTHENING}× the first in loops): no rate`, () => {
    // 6.9 at 64 CPUs: 28,733 → 1.84 M loops per cycle over the first 8 flushes, each at its own rate.
    const lengths = [30, 40, 120, 210, 420, 750, 1_300, 1_800, 1_840, 1_850].map((x) => x * 100);
    const flat = rates.map(() => 4_000);
    expect(logOf(flat, 1_000, lengths).log.rate('a', kindOf(20, 2, 1_000), 0.5, 0, 0)).toBeNull();
    expect(logOf(flat).log.rate('a', kindOf(20, 2, 1_000), 0.5, 0, 0)?.c).toBeCloseTo(4_000, 9);
  });

  it(`no rate wider than REACH_MAX at 1 % (${REACH_MAX * 100} %), nor over cycles shorter than minLoops`, () => {
    // Ten cycles 2,000–8,000 cycles per loop apart: about 30 % wide.
    const wild = [2_000, 8_000, 3_000, 7_000, 2_500, 7_500, 2_000, 8_000, 3_000, 7_000];
    expect(logOf([...wild, ...wild]).log.rate('a', kindOf(40, 2, 1_000), 0.01, 0, 0, FAR)).toBeNull();
    // A wider target does not widen the cap past REACH_MAX (a skip that wide moved the cases after it: see the file).
    expect(logOf([...wild, ...wild]).log.rate('a', kindOf(40, 2, 1_000), 0.05, 0, 0, FAR)).toBeNull();
    // 2 threads × 1,000 loops per cycle: 2,000 loops; at 2,001 they are too short to skip on.
    const twice = logOf([...rates, ...rates]).log;
    expect(twice.rate('a', kindOf(40, 2, 1_000), 0.01, 0, 2_000, FAR)).not.toBeNull();
    expect(twice.rate('a', kindOf(40, 2, 1_000), 0.01, 0, 2_001, FAR)).toBeNull();
  });

  it('the rate lies within the settled cycles’ rates; its half-width is finite and not negative', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 2_000, max: 2_400 }), { minLength: REACH_CYCLES + 4, maxLength: 40 }),
        (cs) => {
          const r = logOf(cs).log.rate('a', kindOf(60, 2, 1_000), 1, 0, 0);
          if (r === null) return;
          expect(r.c).toBeGreaterThanOrEqual(Math.min(...cs) - 1e-9);
          expect(r.c).toBeLessThanOrEqual(Math.max(...cs) + 1e-9);
          expect(r.h).toBeGreaterThanOrEqual(0);
          expect(Number.isFinite(r.h)).toBe(true);
        },
      ),
    );
  });
});
