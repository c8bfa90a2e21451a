// Axis and scale choices a reader can trust: numbers ordered and ticked as numbers (integer ticks at the values
// that were run), a log axis with decade ticks when values span more than 20×, no label ever cut short.
import type { DimInfo, Value } from './dims.js';

type Enc = Record<string, unknown>;

/** Field references are paths in vega-lite: a dot or bracket inside a name must be escaped. */
export function field(name: string): string {
  return name.replace(/[.[\]\\]/g, (c) => `\\${c}`);
}

/** Labels are never truncated (vega-lite's default limit cuts them at 180 px with an ellipsis). */
export const NO_LIMIT = { labelLimit: 0, titleLimit: 0 } as const;

const isInt = (vs: Value[]) => vs.every((v) => typeof v === 'number' && Number.isInteger(v));

/**
 * An x encoding for a dimension. `continuous`: a line chart over a numeric dimension (threads): a quantitative
 * axis (log2 when the values span 4× or more) ticked exactly at the values run. Otherwise the values are
 * categories in their natural order (numbers ascending, names in the order given).
 */
export function xFor(d: DimInfo, continuous: boolean): Enc {
  if (continuous && d.numeric) {
    const nums = d.values as number[];
    const lo = Math.min(...nums);
    const hi = Math.max(...nums);
    const log = lo > 0 && hi / lo >= 4;
    return {
      field: field(d.name),
      type: 'quantitative',
      title: d.name,
      scale: log ? { type: 'log', base: 2, nice: false, padding: 12 } : { zero: false, nice: false, padding: 12 },
      axis: { values: nums, format: isInt(nums) ? 'd' : '~g', grid: true, ...NO_LIMIT },
    };
  }
  return {
    field: field(d.name),
    type: d.numeric ? 'ordinal' : 'nominal',
    title: d.name,
    sort: d.values,
    axis: { labelAngle: longest(d.values) > 8 ? -30 : 0, ...NO_LIMIT },
  };
}

/** A colour (or xOffset) encoding: the legend lists every value in order, in full. */
export function colorFor(d: DimInfo): Enc {
  return {
    field: field(d.name),
    type: d.numeric ? 'ordinal' : 'nominal',
    title: d.name,
    sort: d.values,
    scale: { domain: d.values },
    legend: { ...NO_LIMIT, symbolLimit: 0 },
  };
}

function longest(values: Value[]): number {
  return Math.max(0, ...values.map((v) => String(v).length));
}

export interface YScale {
  scale: Enc;
  axis: Enc;
}

/**
 * The y scale for these values. Within 20× of each other: linear from zero. Wider: log with a tick at every
 * decade, or symlog (with 0 as a tick) when some values are 0, so small and large values are both readable.
 */
export function yFor(values: number[], title: string): YScale & { title: string } {
  const finite = values.filter((v) => Number.isFinite(v));
  const pos = finite.filter((v) => v > 0);
  const max = Math.max(0, ...finite);
  const minPos = pos.length ? Math.min(...pos) : 0;
  const format = (hi: number) => (hi >= 1e6 ? '~s' : hi >= 1 ? ',~g' : '~g');
  if (pos.length === 0 || max / minPos <= 20 || finite.some((v) => v < 0)) {
    return { title, scale: { type: 'linear', zero: true }, axis: { format: format(max), ...NO_LIMIT } };
  }
  // The smallest value stands at least a factor 2 above the axis bottom, so its bar or point is visible.
  const lo = Math.floor(Math.log10(minPos / 2));
  const hi = Math.ceil(Math.log10(max));
  // Ticks at 1, 2 and 5 of each decade when few decades are shown, else at the decades only; the axis ends at
  // the first such value above the data, not at the next power of ten.
  const steps = hi - lo <= 3 ? [1, 2, 5] : [1];
  const ticks: number[] = [];
  for (let k = lo; k <= hi; k++) for (const m of steps) ticks.push(Number((m * 10 ** k).toPrecision(2)));
  const top = ticks.find((t) => t >= max) ?? 10 ** hi;
  const decades = ticks.filter((t) => t <= top && t >= 10 ** lo);
  if (finite.some((v) => v === 0)) {
    return {
      title: `${title} (symlog)`,
      scale: { type: 'symlog', constant: 10 ** lo, domain: [0, top] },
      axis: { values: [0, ...decades], format: format(max), ...NO_LIMIT },
    };
  }
  return {
    title: `${title} (log)`,
    scale: { type: 'log', domain: [10 ** lo, top] },
    axis: { values: decades, format: format(max), ...NO_LIMIT },
  };
}
