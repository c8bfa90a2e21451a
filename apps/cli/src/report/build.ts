// Builds a vega-lite spec from a chart definition and the runs: one mark per configuration (every swept option
// is on x, grouped, coloured or a facet — or the chart refuses), seeds aggregated to their mean with min–max
// whiskers, published figures overlaid with their tolerance band, the provenance as the subtitle.
import { readMetric } from '../reproduce/calibration.js';
import type { ChartDef, Measure } from './defs.js';
import { type DimInfo, type Dims, determines, labelOf, type RunRef, sortValues, type Value } from './dims.js';
import { colorFor, field, NO_LIMIT, xFor, yFor } from './encode.js';

type Spec = Record<string, unknown>;

/** A published figure's point on a chart: the run it matches, the measure, value and tolerance band. */
export interface PublishedPoint {
  ref: RunRef;
  path: string;
  figure: string;
  published: number;
  lo: number;
  hi: number;
}

export class ChartError extends Error {
  override name = 'ChartError';
}

/** Panels at most in one chart: more would be unreadable, so the chart refuses and says what to filter. */
export const MAX_PANELS = 30;

const COMBO = 'config';
const FACET = 'panel';

interface Row {
  [k: string]: Value | number | undefined;
}

export interface Built {
  spec: Spec;
  /** Dimensions the chart encodes, by channel (tests check that every swept one is there). */
  channels: Record<string, string>;
  /** The published points drawn (those whose figure's metric is one of the chart's measures). */
  drawn: PublishedPoint[];
}

/**
 * Swept dimensions the chart need not encode separately: those another swept dimension determines (rmap-fork's
 * `alloc` is n/a exactly for none and objrmap). The chart's own x, offset and colour dimensions always stay.
 */
function unfolded(def: ChartDef, dims: Dims): DimInfo[] {
  const swept = dims.varying.filter((d) => d.name !== 'seed');
  const fixed = new Set([def.x, def.xOffset, typeof def.color === 'string' ? def.color : undefined]);
  const kept: DimInfo[] = [];
  const folded = new Set<string>();
  for (const d of swept) {
    const by =
      !fixed.has(d.name) && swept.some((e) => e !== d && !folded.has(e.name) && determines(dims.refs, e.name, d.name));
    if (by) folded.add(d.name);
    else kept.push(d);
  }
  return kept;
}

export function buildChart(def: ChartDef, dims: Dims, published: PublishedPoint[], width = 520): Built {
  const swept = unfolded(def, dims);
  const measures = def.measures(dims.refs);
  if (measures.length === 0) throw new ChartError(`${def.title}: nothing to chart`);
  const info = new Map<string, DimInfo>(swept.map((d) => [d.name, d]));
  const dimsOf = (r: RunRef, m: Measure): Record<string, Value> => {
    const out: Record<string, Value> = { ...r.dims };
    if (def.measureDim) out[def.measureDim] = m.name;
    return out;
  };
  if (def.measureDim)
    info.set(def.measureDim, { name: def.measureDim, values: measures.map((m) => m.name), numeric: false });
  // A combination dimension: the listed colour dimensions that vary, or (generic charts) every swept one.
  const comboOf = Array.isArray(def.color)
    ? def.color.filter((n) => info.has(n))
    : def.x === COMBO
      ? swept.map((d) => d.name)
      : [];
  const channels: Record<string, string> = {};
  const use = (channel: string, name: string | undefined) => {
    if (name === COMBO && comboOf.length === 0) return;
    if (name && (info.has(name) || name === COMBO || dims.refs.some((r) => r.dims[name] !== undefined)))
      channels[channel] = name;
  };
  use('x', def.x);
  use('xOffset', def.xOffset);
  use('color', Array.isArray(def.color) ? COMBO : def.color);
  const encoded = new Set(Object.values(channels).flatMap((n) => (n === COMBO ? comboOf : [n])));
  const rest = swept.map((d) => d.name).filter((n) => !encoded.has(n));
  const facet: { column?: string; row?: string; wrap?: string[] } = {};
  if (def.column && rest.includes(def.column)) facet.column = def.column;
  const others = rest.filter((n) => n !== facet.column);
  if (others.length === 1 && !facet.column) facet.column = others[0];
  else if (others.length === 1) facet.row = others[0];
  else if (others.length > 1) facet.wrap = [...(facet.column ? [facet.column] : []), ...others];
  if (facet.wrap) delete facet.column;

  // Model rows, aggregated over seeds.
  const groups = new Map<string, { dims: Record<string, Value>; values: number[] }>();
  const key = (d: Record<string, Value>) => JSON.stringify(Object.entries(d).filter(([k]) => k !== 'seed'));
  for (const r of dims.refs)
    for (const m of measures) {
      const v = readMetric(r.run, m.path);
      if (v === undefined || !Number.isFinite(v)) continue;
      const d = dimsOf(r, m);
      const k = key(d);
      const g = groups.get(k) ?? { dims: d, values: [] };
      g.values.push(v);
      groups.set(k, g);
    }
  const decorate = (d: Record<string, Value>): Row => {
    const row: Row = {};
    for (const n of [...new Set([...Object.values(channels), ...rest, ...comboOf])]) if (n !== COMBO) row[n] = d[n];
    if (comboOf.length) row[COMBO] = labelOf(d, comboOf);
    if (facet.wrap) row[FACET] = labelOf(d, facet.wrap);
    return row;
  };
  const rows: Row[] = [...groups.values()].map((g) => ({
    ...decorate(g.dims),
    kind: 'model',
    y: mean(g.values),
    lo: Math.min(...g.values),
    hi: Math.max(...g.values),
    n: g.values.length,
  }));
  const drawn = published.filter((p) => measures.some((m) => m.path === p.path));
  const pub: Row[] = drawn.map((p) => {
    const m = measures.find((x) => x.path === p.path)!;
    return { ...decorate(dimsOf(p.ref, m)), kind: 'published', y: p.published, lo: p.lo, hi: p.hi, figure: p.figure };
  });
  if (rows.length === 0) throw new ChartError(`${def.title}: no run has ${measures.map((m) => m.path).join(', ')}`);
  const values = [...rows, ...pub];
  if (comboOf.length) info.set(COMBO, { name: COMBO, values: distinct(values, COMBO), numeric: false });
  const panels = facetCount(values, facet);
  if (panels > MAX_PANELS)
    throw new ChartError(
      `${def.title}: ${panels} panels (${[facet.column, facet.row, ...(facet.wrap ?? [])].filter(Boolean).join(', ')} ` +
        `vary as well as ${Object.values(channels).join(', ')}); chart at most ${MAX_PANELS}: filter the results first`,
    );

  const y = yFor(
    values.flatMap((r) => [r.y, r.lo, r.hi] as number[]),
    def.yTitle,
  );
  const dimInfo = (n: string) => info.get(n) ?? { name: n, values: distinct(values, n), numeric: false };
  const enc: Spec = {};
  if (channels.x) enc.x = xFor(dimInfo(channels.x), def.mark === 'line');
  if (channels.xOffset)
    enc.xOffset = { field: field(channels.xOffset), type: 'nominal', sort: dimInfo(channels.xOffset).values };
  const color = channels.color ? colorFor(dimInfo(channels.color)) : undefined;
  const yEnc = (f: string) => ({ field: f, type: 'quantitative', title: y.title, scale: y.scale, axis: y.axis });
  const layers: Spec[] = [];
  const model = { filter: "datum.kind === 'model'" };
  // A bar on a log axis starts at the axis' bottom (vega-lite would start it at log(0) and draw nothing).
  const base =
    (y.scale as { type?: string; domain?: number[] }).type === 'log' ? (y.scale.domain as number[])[0] : undefined;
  layers.push({
    transform: [model],
    mark: def.mark === 'line' ? { type: 'line', point: { filled: true, size: 50 } } : { type: 'bar' },
    encoding: {
      ...enc,
      y: yEnc('y'),
      ...(def.mark === 'bar' && base !== undefined ? { y2: { datum: base } } : {}),
      ...(color ? { color } : {}),
    },
  });
  if (rows.some((r) => (r.n as number) > 1))
    layers.push({
      transform: [model],
      mark: { type: 'rule', strokeWidth: 1.5 },
      encoding: {
        ...enc,
        y: yEnc('lo'),
        y2: { field: 'hi' },
        ...(def.mark === 'line' && color ? { color } : { color: { value: '#333' } }),
      },
    });
  if (pub.length) {
    const only = { filter: "datum.kind === 'published'" };
    layers.push({
      transform: [only],
      mark: { type: 'rule', strokeWidth: 8, opacity: 0.25, color: '#000' },
      encoding: { ...enc, y: yEnc('lo'), y2: { field: 'hi' } },
    });
    layers.push({
      transform: [only],
      mark: { type: 'point', shape: 'diamond', filled: false, size: 220, color: '#000', strokeWidth: 2 },
      encoding: { ...enc, y: yEnc('y') },
    });
  }
  const faceted = facet.column || facet.row || facet.wrap;
  const panelW = faceted ? Math.max(220, Math.min(360, Math.floor(width / 2))) : width;
  const inner = { width: panelW, height: faceted ? 220 : 300, layer: layers };
  const header = { ...NO_LIMIT, labelFontSize: 11 };
  const spec: Spec = faceted
    ? {
        data: { values },
        facet: facet.wrap
          ? { field: FACET, type: 'nominal', title: facet.wrap.join(' · '), sort: distinct(values, FACET), header }
          : {
              ...(facet.column ? { column: facetField(dimInfo(facet.column), header) } : {}),
              ...(facet.row ? { row: facetField(dimInfo(facet.row), header) } : {}),
            },
        ...(facet.wrap ? { columns: 2 } : {}),
        spec: inner,
        resolve: { scale: { y: 'shared' } },
      }
    : { data: { values }, ...inner };
  if (facet.column) channels.column = facet.column;
  if (facet.row) channels.row = facet.row;
  if (facet.wrap) channels.facet = facet.wrap.join(',');
  return { spec, channels, drawn };
}

function facetField(d: DimInfo, header: Spec): Spec {
  return { field: field(d.name), type: d.numeric ? 'ordinal' : 'nominal', title: d.name, sort: d.values, header };
}

function facetCount(values: Row[], f: { column?: string; row?: string; wrap?: string[] }): number {
  if (f.wrap) return distinct(values, FACET).length;
  return (f.column ? distinct(values, f.column).length : 1) * (f.row ? distinct(values, f.row).length : 1);
}

function distinct(values: Row[], name: string): Value[] {
  const out: Value[] = [];
  for (const r of values) {
    const v = r[name];
    if (v !== undefined && !out.includes(v)) out.push(v);
  }
  return sortValues(out);
}

function mean(xs: number[]): number {
  return xs.reduce((a, b) => a + b, 0) / xs.length;
}
