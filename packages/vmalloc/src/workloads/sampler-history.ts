// A thread's recent cycles (sampler-loop.ts `Loop.keep`): time, loops, and the sys and user parts of the time, the
// last `keep` of them. Where every free flushes (2.6.27's vunmap) a round closes every ~64 loops and each thread
// keeps a cycle per round; four `Array.shift`s per cycle were 1.2 % of 2.6.27's profile at 64 × mask 7 × 200,000.
// So the columns grow to twice `keep` and drop their oldest half at once, and a reader sees them trimmed to the
// last `keep`: the same numbers in the same order as a shift per cycle left them.

/** The last `keep` cycles of one thread, as four columns. */
export class CycleHistory {
  private readonly cy: number[] = [];
  private readonly cn: number[] = [];
  private readonly cys: number[] = [];
  private readonly cyu: number[] = [];

  constructor(private readonly keep: number) {}

  /** Records one cycle: `y` cycles over `n` loops, `ys` of them sys and `yu` user. */
  push(y: number, n: number, ys: number, yu: number): void {
    this.cy.push(y);
    this.cn.push(n);
    this.cys.push(ys);
    this.cyu.push(yu);
    if (this.cy.length >= 2 * this.keep) this.trim();
  }

  /** Forgets every cycle. */
  clear(): void {
    this.cy.length = 0;
    this.cn.length = 0;
    this.cys.length = 0;
    this.cyu.length = 0;
  }

  /** Cycles' time, oldest first (the last `keep`; read it at once: a `push` may trim it). */
  get y(): number[] {
    this.trim();
    return this.cy;
  }

  /** Cycles' loops. */
  get n(): number[] {
    this.trim();
    return this.cn;
  }

  /** Cycles' sys part. */
  get ys(): number[] {
    this.trim();
    return this.cys;
  }

  /** Cycles' user part. */
  get yu(): number[] {
    this.trim();
    return this.cyu;
  }

  /** Drops all but the last `keep` cycles. */
  private trim(): void {
    const d = this.cy.length - this.keep;
    if (d <= 0) return;
    this.cy.splice(0, d);
    this.cn.splice(0, d);
    this.cys.splice(0, d);
    this.cyu.splice(0, d);
  }
}
