// Why a sampled run simulates its loops in detail (SamplingOptions.traceRefusals): each loop run in detail is
// charged to the reason the sampler's last skip decision was refused. The shuffled must-show (5.2, 64 × mask 7 ×
// 1,000,000) was traced so twice with scratch edits (vm-shuf, vm-mix2): its 22.84 M detailed loops were held by
// long_busy's main loop too wide over 256 rounds and in its mix (10.5 M), fix_size's likewise (3.7 M), long_busy
// trending (3.4 M) — not by too few rounds in the present mix (1.6 M). Off by default: a run's output is unchanged.

/** The refusal reasons of a run and the loops in detail each of them held. */
export class RefusalLog {
  /** The last decision's refusal: `gate` (not every thread in a loop, a chain or a kworker), a kind's rate, … */
  private why = 'start';
  /** Loops in detail per `<loop kind> <- <reason>`. */
  private readonly held = new Map<string, number>();

  /** The decision now being taken was refused for `why` (the last call before it returns wins). */
  note(why: string): void {
    this.why = why;
  }

  /** The kind `tag` could not be measured: `whole` over its recent rounds, `inMix` over those of the present mix. */
  rate(tag: string, whole: string, inMix = ''): void {
    this.why = inMix === '' ? `${tag}: ${whole}` : `${tag}: ${whole}; in mix ${inMix}`;
  }

  /** Adds to the reason last noted (the cycle log's, after the rounds' refusal: sampler-round-cut.ts). */
  append(why: string): void {
    this.why = `${this.why}; ${why}`;
  }

  /** One loop of kind `tag` ran in detail. */
  count(tag: string): void {
    const key = `${tag} <- ${this.why}`;
    this.held.set(key, (this.held.get(key) ?? 0) + 1);
  }

  /** Loops in detail per `<loop kind> <- <reason>`, most first (ties by name). */
  report(): Record<string, number> {
    const out: Record<string, number> = {};
    const rows = [...this.held].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
    for (const [k, v] of rows) out[k] = v;
    return out;
  }
}

/** Why a kind's rate was refused (sampler-rate.ts `measureIn`): set by the measurement, read by `measure`. */
export type RateRefusal = 'few rounds' | 'wide' | 'trend' | 'wide, no line' | 'one point' | 'between flushes' | '';
