// Does the verdict of a run that compares vmap designs — their ranking by each headline figure (ns per op at each
// thread count for vmap-bench, average µs per case for test_vmalloc, operations per second at each thread count
// for the XFS workload) — hold while each [U lo..hi] value the run reads moves to the ends of its range
// (docs/fidelity.md, "Unsourced guesses")? Each value is set to lo, then hi, and every design re-runs on a fresh
// machine of the same seed, so the sweep is as deterministic as the run. Two designs whose figures differ by less
// than their sampling bounds, or than the sampler's target error, are tied: only a strict order that turns into
// the opposite strict order is a flip.
import { observeEngines, type Sensitivity, type SensitivityEntry } from '@kmemsim/core';
import type { Knob, SweepValues } from './sensitivity-knobs.js';

/** A design's headline figure and the relative 95 % bound of its sampled part (0 when simulated in full). */
export interface Figure {
  /** The figure (ns per op, µs per case, operations per second). */
  value: number;
  /** Relative error bound, e.g. 0.02 for ±2 %. */
  bound: number;
}

/** Per headline (`8 threads`, a test case), per design label, its figure. */
export type Figures = Record<string, Record<string, Figure>>;

/** One [U] value at the ends of its range: core's entry, and the headlines whose ranking it reverses. */
export interface VmallocSensitivityEntry extends SensitivityEntry {
  /** Headlines (`8 threads`, a test case) where a strict order of two designs turns into the opposite one. */
  flipped: string[];
}

/** The ranking of the designs per headline figure and one entry per [U] value the runs read. */
export interface VmallocSensitivity extends Sensitivity {
  /** The figure ranked (`ns_per_op`, `avg_usec`, `ops_per_s`). */
  figure: string;
  /** Whether a lower or a higher figure ranks first. */
  better: 'lower' | 'higher';
  /** Figures closer than this (percent of the larger), or than their bounds, are tied. */
  tie_pct: number;
  /** Workload runs the sweep made (values × 2 ends × designs and headlines). */
  reruns: number;
  /** One entry per [U] value. */
  entries: VmallocSensitivityEntry[];
}

type Better = VmallocSensitivity['better'];

function tied(a: Figure, b: Figure, tieRel: number): boolean {
  const d = Math.abs(a.value - b.value);
  return (
    d <= a.bound * Math.abs(a.value) + b.bound * Math.abs(b.value) ||
    d <= tieRel * Math.max(Math.abs(a.value), Math.abs(b.value))
  );
}

/** The designs of one headline, best first: `a < b ≈ c` (lower better) or `a > b ≈ c` (higher better). */
export function rankingOf(figs: Record<string, Figure>, better: Better, tieRel: number): string {
  const sign = better === 'lower' ? 1 : -1;
  const order = Object.keys(figs).sort((a, b) => sign * (figs[a]!.value - figs[b]!.value));
  const sep = better === 'lower' ? ' < ' : ' > ';
  return order
    .map((k, i) => (i === 0 ? k : `${tied(figs[order[i - 1]!]!, figs[k]!, tieRel) ? ' ≈ ' : sep}${k}`))
    .join('');
}

/** Headlines where two designs strictly ordered in `nominal` are strictly ordered the other way in `moved`. */
export function reversals(nominal: Figures, moved: Figures, tieRel: number): string[] {
  const out: string[] = [];
  for (const [h, figs] of Object.entries(nominal)) {
    const m = moved[h];
    if (!m) continue;
    const names = Object.keys(figs).filter((k) => m[k] !== undefined);
    const reversed = names.some((a) =>
      names.some((b) => {
        const [na, nb, ma, mb] = [figs[a]!, figs[b]!, m[a]!, m[b]!];
        return na.value < nb.value && !tied(na, nb, tieRel) && ma.value > mb.value && !tied(ma, mb, tieRel);
      }),
    );
    if (reversed) out.push(h);
  }
  return out;
}

function verdictOf(f: Figures, better: Better, tieRel: number): string {
  return Object.entries(f)
    .map(([h, figs]) => `${h}: ${rankingOf(figs, better, tieRel)}`)
    .join('; ');
}

/** What a sweep needs: the values, how the runs' figures follow from them, and how to rank them. */
export interface SweepConfig {
  /** The [U] values to move. */
  knobs: Knob[];
  /** The run's values. */
  base: SweepValues;
  /** Every design's figures with the given values (runs every design). */
  figuresAt: (v: SweepValues) => Figures;
  /** The figures with every value as it is, when the caller has them (same options and seed). */
  nominal?: Figures;
  /** The figure's name. */
  figure: string;
  /** Whether lower or higher ranks first. */
  better: Better;
  /** Relative difference under which two figures are tied (the sampler's target error, default 0.01). */
  tieRel?: number;
  /** Runs per call of `figuresAt` (for `reruns`). */
  runsPerPoint: number;
  /** Called before each value is moved (progress). */
  onKnob?: (i: number, n: number, k: Knob) => void;
}

/** The ranking per headline and, per [U] value, the rankings at its range's ends. */
export function sweepSensitivity(c: SweepConfig): VmallocSensitivity {
  // The sweep's runs are not the command's runs: keep them out of any trace being recorded.
  const observer = observeEngines(undefined);
  try {
    const tieRel = c.tieRel ?? 0.01;
    const nominal = c.nominal ?? c.figuresAt(c.base);
    const verdict = verdictOf(nominal, c.better, tieRel);
    const entries = c.knobs.map((k, i): VmallocSensitivityEntry => {
      c.onKnob?.(i, c.knobs.length, k);
      const ends = [k.lo, k.hi].map((v) => {
        try {
          const f = c.figuresAt(k.at(v));
          return { verdict: verdictOf(f, c.better, tieRel), flipped: reversals(nominal, f, tieRel) };
        } catch (err) {
          // A value at which the workload cannot run (no vmalloc space left) gives no ranking to compare.
          if (!(err instanceof RangeError)) throw err;
          return { verdict: `no result: ${err.message}`, flipped: [] };
        }
      });
      const flipped = [...new Set(ends.flatMap((e) => e.flipped))];
      const [lo, hi] = ends as [(typeof ends)[0], (typeof ends)[0]];
      return {
        parameter: k.parameter,
        value: k.value,
        lo: k.lo,
        hi: k.hi,
        verdict_lo: lo.verdict,
        verdict_hi: hi.verdict,
        flips: flipped.length > 0,
        flipped,
      };
    });
    const reruns = c.knobs.length * 2 * c.runsPerPoint;
    return { verdict, figure: c.figure, better: c.better, tie_pct: tieRel * 100, reruns, entries };
  } finally {
    observeEngines(observer);
  }
}
