// What a steady kind's skip beside a builder carries for its rate's move across the skip (sampler-after.ts calls
// it). A steady kind's skipped loops are extrapolated at the rate measured before the skip, and its own half-width h
// was their only error (sampler-decide.ts `skipDrift`: 0 for a steady loop). Beside a state-building loop the rate
// moves with the builder's state (a set-up's tree doubling, a free-junk, a tear-down halving), and the skip moves
// the builder by up to a doubling: 5.2, 64 × mask 7 × 100,000, shuffled, seed 1, a run of every loop in detail moved
// as much between the same builder positions as the sampled run across its skips (correlation 0.94; fix_size
// +13.8 % as full_fit's set-up went 21 k → 43 k loops; vm-52few), and half the jump from the rate before a skip to
// the level after it exceeded the skip's h in 36 of 90 skips (seed 2: 32 / 93; 32 × 100,000: 14 / 42), a median
// 5.0 × h (4.1, 2.1). If the rate moves evenly over the skip, its loops' mean lies half the jump from the rate used.
// So each such skip carries K · |c₁ − c₀| / 2: K the kind's loops it skipped, c₀ their rate, c₁ the kind's level
// after it over its whole flush cycles of the same mix up to its next skip (sampler-round-log.ts), measured when they
// are there (the bound is printed at the end). Where the mix changed before a cycle closed (the skip reached a loop's
// end), the kind's last relative jump measured before it closed stands for it (as a builder's skip carries `moved`,
// what its last model missed); before any, nothing.
// The term feeds no skip decision (the loops in detail and the results stay the same; only bounds widen). Measured
// (5.2, mask 7, shuffled, seed 1): at 64 × 100,000, 133 such skips, 108 measured, half the jump above h in 6 / 7 / 28
// (fix_size / full_fit / long_busy); the term is 1.08 / 1.25 / 1.83 % of the main loops' phases, the cases ±6.94 /
// 9.29 / 6.94 % → ±8.10 / 9.90 / 8.10 %, still within against --exact (as at seed 2, 32 × 100,000 and 64 × 50,000).
import type { Kind, Loop, Rate, TagReport } from './sampler-loop.js';
import { loggedCycles } from './sampler-round-log.js';

/** One steady kind's skip beside a builder. */
interface SteadySkip {
  tag: string;
  /** The skip's round, its mix's first round, and the first round of another mix after it (∞: none yet). */
  round: number;
  mix: number;
  end: number;
  /** The rate its loops were extrapolated at, and how many it skipped. */
  c: number;
  k: number;
  /** The relative jump measured after it (NaN: none yet), over `cycles` whole cycles. */
  jump: number;
  cycles: number;
  /** The term charged so far (cycles). */
  charged: number;
  /** The newest logged cycle and the bound it was measured with (measured again when either moves). */
  seen: number;
  bound: number;
}

/** The move term of every steady kind's skips beside a builder. */
export class SkipMove {
  /** Skips whose level after them may still be measured. */
  private open: SteadySkip[] = [];
  /** Per kind: its last measured relative jump (the stand-in where one is not measured). */
  private readonly last = new Map<string, number>();
  /** Every skip recorded, as closed or still open (for the tests and the report's diagnostics). */
  readonly all: SteadySkip[] = [];

  /**
   * A skip was decided (its loops' `pendingK` set) at the rates `rate` in round `round`, in the mix begun at round
   * `mix`: each steady kind in it beside a state-building loop is recorded.
   */
  skip(loops: Iterable<Loop>, rate: ReadonlyMap<string, Rate>, round: number, mix: number): void {
    const k = new Map<string, number>();
    let building = false;
    for (const l of loops) {
      if (l.fast !== null) building = true;
      else if (rate.has(l.tag)) k.set(l.tag, (k.get(l.tag) ?? 0) + l.pendingK);
    }
    if (!building) return;
    for (const [tag, n] of k) {
      if (!(n > 0)) continue;
      const c = (rate.get(tag) as Rate).c;
      const s = { tag, round, mix, end: Infinity, c, k: n, jump: NaN, cycles: 0, charged: 0, seen: NaN, bound: NaN };
      this.open.push(s);
      this.all.push(s);
    }
  }

  /**
   * Brings every recorded skip's term up to date: the mix's first round `mixFrom` closes the open skips' mix, the
   * kinds' logged cycles after each measure its jump; the change is added to the kind's report. Returns the change.
   */
  settle(kinds: ReadonlyMap<string, Kind>, mixFrom: number, byTag: ReadonlyMap<string, TagReport>): number {
    let total = 0;
    const still: SteadySkip[] = [];
    for (const s of this.open) {
      if (s.end === Infinity && mixFrom !== s.mix) s.end = mixFrom;
      const k = kinds.get(s.tag);
      if (k === undefined) {
        still.push(s);
        continue;
      }
      // Up to the kind's next skip (another state) or the mix's end, whichever comes first.
      const bound = Math.min(s.end, k.skipRound > s.round ? k.skipRound : Infinity);
      const g = loggedCycles(k);
      const newest = g.first.length > 0 ? g.first[g.first.length - 1] : -1;
      if (newest !== s.seen || bound !== s.bound) {
        s.seen = newest;
        s.bound = bound;
        const m = levelAfter(g, s.round, bound);
        if (m.n > 0) {
          s.jump = Math.abs(m.c - s.c) / s.c;
          s.cycles = m.cycles;
          this.last.set(s.tag, s.jump);
        }
      }
      const jump = Number.isNaN(s.jump) ? (this.last.get(s.tag) ?? 0) : s.jump;
      const e = (s.k * jump * s.c) / 2 - s.charged;
      if (e !== 0) {
        s.charged += e;
        total += e;
        const r = byTag.get(s.tag);
        if (r !== undefined) r.errCycles += e;
      }
      // Closed, its term final: no cycle begun before its bound is still to come.
      if (!(bound < Infinity && newest >= bound)) still.push(s);
    }
    this.open = still;
    return total;
  }
}

/** The level over a kind's logged whole cycles begun after round `skip` and before round `end`. */
function levelAfter(
  g: { y: readonly number[]; n: readonly number[]; first: readonly number[] },
  skip: number,
  end: number,
): { c: number; n: number; cycles: number } {
  let y = 0;
  let n = 0;
  let cycles = 0;
  for (let i = g.first.length - 1; i >= 0 && g.first[i] > skip; i--) {
    if (g.first[i] >= end) continue;
    y += g.y[i];
    n += g.n[i];
    cycles++;
  }
  return { c: n > 0 ? y / n : Number.NaN, n, cycles };
}
