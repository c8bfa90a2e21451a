// What vmap-bench, test-vmalloc and xfs-dir share for the [U] sensitivity of their verdict (docs/fidelity.md,
// "Unsourced guesses"): the --sensitivity option, whether a run checks it by default, and the lines under the
// table. The sweep itself is @kmemsim/vmalloc's (sensitivity.ts): every design re-runs at both ends of every
// [U lo..hi] value the run reads, so it costs 2 × values × the run; by default it is on only for small runs.
import type { ResultDocument, Run } from '@kmemsim/core';
import type { VmallocSensitivity } from '@kmemsim/vmalloc';
import { bool } from '../framework/options.js';

/**
 * Loops simulated in detail, all runs of the command together, up to which the sweep is on by default. A run's
 * cost follows its detailed loops (the extrapolated ones are free) and the sweep re-runs everything 2 × values
 * times (~25 values on x86_64): measured ~9 µs of CPU per vmap-bench or test_vmalloc loop and ~20 µs per XFS
 * directory operation, so a run at its budget adds ~10 s of CPU.
 */
export const SENSITIVITY_AUTO_LOOPS = { 'vmap-bench': 20_000, 'test-vmalloc': 20_000, 'xfs-dir': 10_000 } as const;

type Workload = keyof typeof SENSITIVITY_AUTO_LOOPS;

/** The --sensitivity option of a vmalloc command. */
export function sensitivitySchema(w: Workload, loops: string) {
  return {
    sensitivity: bool({
      description:
        'with two or more designs: check their ranking at both ends of every [U] range the run reads (every design re-run twice per value)',
      defaultText: `on when the runs simulate at most ${SENSITIVITY_AUTO_LOOPS[w].toLocaleString('en-US')} ${loops} in detail`,
      sweep: false,
    }),
  };
}

/** Loops the runs simulated in detail (the cost of one more pass over them). */
export function detailedLoops(runs: readonly Run[]): number {
  return runs.reduce((n, r) => n + (r.metrics.loops_detailed ?? 0), 0);
}

/**
 * Whether to sweep: as asked, or by default when the runs are small. A run of one design has no ranking to check.
 * Returns the reason it was not checked by default, for the line suggesting it.
 */
export function sensitivityPlan(
  w: Workload,
  asked: boolean | undefined,
  designs: number,
  runs: readonly Run[],
): { run: boolean; skipped?: string } {
  if (designs < 2 || asked === false) return { run: false };
  if (asked === true) return { run: true };
  const loops = detailedLoops(runs);
  const budget = SENSITIVITY_AUTO_LOOPS[w];
  if (loops <= budget) return { run: true };
  return {
    run: false,
    skipped:
      `the runs simulated ${loops.toLocaleString('en-US')} loops in detail, more than the ` +
      `${budget.toLocaleString('en-US')} of the default`,
  };
}

/** The `params` fields the sweep adds to the result document. */
export function sensitivityParams(s: VmallocSensitivity | undefined, skipped?: string): Record<string, unknown> {
  if (s) return { sensitivity: s };
  return skipped ? { sensitivity_skipped: skipped } : {};
}

function ofHeadline(verdict: string, headline: string): string {
  const part = verdict.split('; ').find((p) => p.startsWith(`${headline}: `));
  return part === undefined ? verdict : part.slice(headline.length + 2);
}

/** One line per [U] value that flips the ranking, or one saying it holds; or the line suggesting the check. */
export function sensitivityLines(doc: ResultDocument): string[] {
  const s = doc.params.sensitivity as VmallocSensitivity | undefined;
  if (!s) {
    const skipped = doc.params.sensitivity_skipped;
    return typeof skipped === 'string'
      ? [`sensitivity: the ranking was not checked over the [U] ranges (${skipped}); --sensitivity on checks it`]
      : [];
  }
  const ties = `ties: within ${s.tie_pct} % or the sampling bounds`;
  if (s.entries.length === 0) return [`sensitivity: the runs read no [U lo..hi] value (${ties})`];
  const flips = s.entries.filter((e) => e.flips);
  if (flips.length === 0) {
    return [
      `sensitivity: the ranking by ${s.figure} holds at both ends of all ${s.entries.length} [U] ranges the runs read ` +
        `(${s.reruns.toLocaleString('en-US')} runs; ${ties})`,
    ];
  }
  return flips.map((e) => {
    // Per reversed headline: the run's ranking, then each end whose ranking differs from it.
    const at = e.flipped
      .map((h) => {
        const run = ofHeadline(s.verdict, h);
        const ends = [
          [e.lo, ofHeadline(e.verdict_lo, h)],
          [e.hi, ofHeadline(e.verdict_hi, h)],
        ].filter(([, v]) => v !== run);
        return `${h}: ${run} as run; ${ends.map(([x, v]) => `at ${x} ${v}`).join('; ')}`;
      })
      .join('; ');
    return `sensitivity: ${e.parameter} [U ${e.lo}..${e.hi}] (${e.value}) flips the ranking by ${s.figure} — ${at}`;
  });
}
