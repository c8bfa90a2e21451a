// Why a sampled run simulates its loops in detail (SamplingOptions.traceRefusals): each loop run in detail is
// charged to the reason the sampler's last skip decision was refused. The shuffled must-show (5.2, 64 × mask 7 ×
// 1,000,000) was traced so twice with scratch edits (vm-shuf, vm-mix2): its 22.84 M detailed loops were held by
// long_busy's main loop too wide over 256 rounds and in its mix (10.5 M), fix_size's likewise (3.7 M), long_busy
// trending (3.4 M) — not by too few rounds in the present mix (1.6 M). It never changes what a run simulates;
// test_vmalloc traces by default (its run's counters `held_in_detail`, the CLI's "held in detail by" line), since a
// user who waits for a run that skipped little should see why. Counting costs one map lookup per detailed loop.

/** The refusal reasons of a run and the loops in detail each of them held. */
export class RefusalLog {
  /** The last decision's refusal: `gate` (not every thread in a loop, a chain or a kworker), a kind's rate, … */
  private why = 'start';
  /** Loops in detail per reason, then per loop kind (a cell, so a loop costs one lookup and no `set`). */
  private readonly held = new Map<string, Map<string, { n: number }>>();
  /** `held`'s row of `why` (counted into per loop, so a loop costs one lookup by its kind, not a key built). */
  private row: Map<string, { n: number }> | null = null;

  /** The decision now being taken was refused for `why` (the last call before it returns wins). */
  note(why: string): void {
    this.set(why);
  }

  /** The kind `tag` could not be measured: `whole` over its recent rounds, `inMix` over those of the present mix. */
  rate(tag: string, whole: string, inMix = ''): void {
    this.set(inMix === '' ? `${tag}: ${whole}` : `${tag}: ${whole}; in mix ${inMix}`);
  }

  /** Adds to the reason last noted (the cycle log's, after the rounds' refusal: sampler-round-cut.ts). */
  append(why: string): void {
    this.set(`${this.why}; ${why}`);
  }

  /** One loop of kind `tag` ran in detail. */
  count(tag: string): void {
    let row = this.row;
    if (row === null) {
      row = this.held.get(this.why) ?? new Map<string, { n: number }>();
      this.held.set(this.why, row);
      this.row = row;
    }
    const c = row.get(tag);
    if (c === undefined) row.set(tag, { n: 1 });
    else c.n++;
  }

  /** Loops in detail per `<loop kind> <- <reason>`, most first (ties by name). */
  report(): Record<string, number> {
    const rows: [string, number][] = [];
    for (const [why, row] of this.held) for (const [tag, c] of row) rows.push([`${tag} <- ${why}`, c.n]);
    rows.sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
    const out: Record<string, number> = {};
    for (const [k, v] of rows) out[k] = v;
    return out;
  }

  private set(why: string): void {
    if (why !== this.why) this.row = null;
    this.why = why;
  }
}

/** Why a kind's rate was refused (sampler-rate.ts `measureIn`): set by the measurement, read by `measure`. */
export type RateRefusal = 'few rounds' | 'wide' | 'trend' | 'wide, no line' | 'one point' | 'between flushes' | '';

/** One reason's share of the loops in detail ({@link heldSummary}). */
export interface HeldShare {
  /** The reason, coarse: a gate's names, or `<kind>: <why its rate was refused>` (the first clause). */
  why: string;
  /** Loops in detail it held. */
  loops: number;
}

/**
 * The refusal trace (`SamplingReport.refusals`, keys `<loop kind> <- <reason>`) by coarse reason, most loops first
 * (ties by name): the loop kinds held are merged, and a rate refusal keeps only its first clause (`fix_size: wide`,
 * not the in-mix and cycle-log details), so a user sees what held the run, in a few rows.
 */
export function heldSummary(refusals: Record<string, number>): HeldShare[] {
  const by = new Map<string, number>();
  for (const [key, n] of Object.entries(refusals)) {
    const at = key.indexOf(' <- ');
    const reason = at < 0 ? key : key.slice(at + 4);
    const why = reason.split('; ')[0];
    by.set(why, (by.get(why) ?? 0) + n);
  }
  return [...by].map(([why, loops]) => ({ why, loops })).sort((a, b) => b.loops - a.loops || (a.why < b.why ? -1 : 1));
}
