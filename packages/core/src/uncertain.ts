// Unsourced guesses declare their plausible range in the source string: "[U lo..hi] why" (docs/fidelity.md).
// Commands use the range to say whether a verdict holds while such a value moves within it.

/** The plausible range `[U lo..hi]` of an unsourced value, in the value's own unit. */
export interface UncertainRange {
  /** Lowest plausible value. */
  lo: number;
  /** Highest plausible value. */
  hi: number;
}

const RANGE = /^\s*\[U\s+(-?[\d_.]+(?:e[+-]?\d+)?)\s*\.\.\s*(-?[\d_.]+(?:e[+-]?\d+)?)\]/i;

/**
 * The plausible range of an unsourced value from its source string, or null when the source names no range
 * (a sourced value, or a bare "[U]").
 *
 * @example uncertainRange('[U 1500..4000] VM exit round trip on Core 2') // { lo: 1500, hi: 4000 }
 */
export function uncertainRange(source: string): UncertainRange | null {
  const m = RANGE.exec(source);
  if (!m) return null;
  const lo = Number(m[1]!.replaceAll('_', ''));
  const hi = Number(m[2]!.replaceAll('_', ''));
  if (!Number.isFinite(lo) || !Number.isFinite(hi) || lo > hi) return null;
  return { lo, hi };
}

/** One [U] value moved to the ends of its range, and a command's verdict at each end (docs/fidelity.md). */
export interface SensitivityEntry {
  /** The value's name, as the command's sources key it. */
  parameter: string;
  /** Its value in the run. */
  value: number;
  /** Low end of its [U lo..hi] range. */
  lo: number;
  /** High end of its range. */
  hi: number;
  /** The verdict with the value at `lo`. */
  verdict_lo: string;
  /** The verdict with the value at `hi`. */
  verdict_hi: string;
  /** Whether the verdict differs from the run's at either end. */
  flips: boolean;
}

/** A command's verdict (e.g. "a < b < c", best first) and one entry per [U] value it depends on. */
export interface Sensitivity {
  /** The verdict with every value as it is. */
  verdict: string;
  /** One entry per [U] value the verdict depends on. */
  entries: SensitivityEntry[];
}

/** True when a source string marks its value as an unsourced guess ("[U]" or "[U lo..hi]"). */
export function isUncertain(source: string): boolean {
  return /^\s*\[U[\s\]]/.test(source);
}

/** The value at a dot path (as a `sources` map keys it), or undefined. */
export function valueAt(obj: unknown, path: string): unknown {
  return path.split('.').reduce<unknown>((o, k) => (o as Record<string, unknown> | undefined)?.[k], obj);
}

/** A deep copy of `obj` with the value at a dot path replaced: one [U] value moved, for a sensitivity sweep. */
export function withValueAt<T>(obj: T, path: string, value: number): T {
  const copy = structuredClone(obj) as Record<string, unknown>;
  const keys = path.split('.');
  let o = copy;
  for (const k of keys.slice(0, -1)) o = o[k] as Record<string, unknown>;
  o[keys[keys.length - 1] as string] = value;
  return copy as T;
}
