// A benchmark figure: one named number about the emulator's own speed, measured in wall time (tools/ may use
// the clock; packages/ may not). Figures are registered in figures/index.ts.
export interface Figure {
  /** snake_case name with its unit: engine_events_per_s, checkpoint_800mib_ms … */
  name: string;
  description: string;
  /** The target, as text (e.g. "≥ 10,000,000", "≤ 24"). */
  target: string;
  /** True if the measured value meets the target. */
  meets(value: number): boolean;
  measure(): number | Promise<number>;
}

/** Best of `repeat` wall-time runs of `fn`, in milliseconds (after one warm-up run). */
export function bestMs(fn: () => void, repeat = 3): number {
  fn();
  let best = Number.POSITIVE_INFINITY;
  for (let i = 0; i < repeat; i++) {
    const t0 = performance.now();
    fn();
    best = Math.min(best, performance.now() - t0);
  }
  return best;
}
