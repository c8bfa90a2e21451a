// Broadcast interrupt work owed to each CPU. An IPI to every CPU but the sender charges its handler to all of
// them at once; adding it to 1,024 clocks per broadcast would be O(CPUs), so the engine keeps one running total
// and each CPU takes what it owes (the total since it last looked, less what it broadcast itself) when it is
// next scheduled. O(1) per broadcast and per settle.

/** The running total of broadcast interrupt cycles and what each CPU has already taken of it. */
export class IrqDebt {
  /** Cycles broadcast so far, every sender together. */
  total = 0;
  /** `total` when each CPU last settled: a CPU owes work while its entry differs from `total`. */
  readonly seen: Float64Array;
  /** Cycles each CPU broadcast itself (it runs no handler for its own broadcast). */
  private readonly self: Float64Array;
  /** `self` when each CPU last settled. */
  private readonly selfSeen: Float64Array;

  constructor(cpus: number) {
    this.seen = new Float64Array(cpus);
    this.self = new Float64Array(cpus);
    this.selfSeen = new Float64Array(cpus);
  }

  /** A broadcast from `from`: every other CPU owes `cycles` of handler. */
  add(from: number, cycles: number): void {
    this.total += cycles;
    this.self[from] += cycles;
  }

  /**
   * Whether {@link IrqDebt.take} would change anything for `cpu`: the total moved or `cpu` broadcast since it last
   * settled. Not just the total: past 2^53 a small broadcast can leave the total unchanged by rounding, and a take
   * then still moves `cpu`'s own mark (and so the grouping of its next pending sum).
   */
  stale(cpu: number): boolean {
    return this.total !== this.seen[cpu] || this.self[cpu] !== this.selfSeen[cpu];
  }

  /** The cycles `cpu` owes since it last settled, now marked as taken. */
  take(cpu: number): number {
    const pending = this.total - this.seen[cpu] - (this.self[cpu] - this.selfSeen[cpu]);
    this.seen[cpu] = this.total;
    this.selfSeen[cpu] = this.self[cpu];
    return pending;
  }
}
