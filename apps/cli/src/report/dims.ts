// The dimensions of a set of results: every option a run could differ by (arch, virt, cpus, seed, each variant
// key, each scalar parameter), which of them vary across the runs (were swept), and which are constant (the
// caption states those). A parameter that only restates another (clock_hz with arch, pages with size_bytes) is
// folded into it, so a chart encodes each real difference once.
import type { ResultDocument, Run } from '@kmemsim/core';

export type Value = string | number | boolean;

/** One run with every dimension's value. */
export interface RunRef {
  doc: ResultDocument;
  run: Run;
  dims: Record<string, Value>;
}

export interface DimInfo {
  name: string;
  /** Distinct values in first-seen order (numbers sorted ascending when every value is a number). */
  values: Value[];
  numeric: boolean;
}

export interface Dims {
  refs: RunRef[];
  /** Dimensions with more than one value (seed included, when several seeds were run). */
  varying: DimInfo[];
  /** Dimensions with one value, and that value. */
  constant: Record<string, Value>;
  /** Dimensions left out because another varying dimension determines them (name → the one that does). */
  folded: Record<string, string>;
}

const DOC_DIMS = ['arch', 'virt', 'cpus', 'seed'] as const;

/** Scalar parameters only; `sources` and nested records (costs, mechanism constants) are not options. */
function scalarParams(params: Record<string, unknown>): Record<string, Value> {
  const out: Record<string, Value> = {};
  for (const [k, v] of Object.entries(params)) {
    if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') out[k] = v;
  }
  return out;
}

export function refsOf(docs: readonly ResultDocument[]): RunRef[] {
  return docs.flatMap((doc) =>
    doc.runs.map((run) => {
      const dims: Record<string, Value> = {};
      for (const k of DOC_DIMS) dims[k] = doc[k];
      Object.assign(dims, scalarParams(doc.params));
      Object.assign(dims, run.variant);
      return { doc, run, dims };
    }),
  );
}

export function sortValues(values: Value[]): Value[] {
  return values.every((v) => typeof v === 'number')
    ? [...values].sort((a, b) => (a as number) - (b as number))
    : values;
}

export function analyse(docs: readonly ResultDocument[]): Dims {
  const refs = refsOf(docs);
  const names: string[] = [];
  for (const r of refs) for (const k of Object.keys(r.dims)) if (!names.includes(k)) names.push(k);
  const varying: DimInfo[] = [];
  const constant: Record<string, Value> = {};
  for (const name of names) {
    const seen: Value[] = [];
    for (const r of refs) {
      const v = r.dims[name];
      if (v !== undefined && !seen.includes(v)) seen.push(v);
    }
    if (seen.length === 1) constant[name] = seen[0];
    else if (seen.length > 1)
      varying.push({ name, values: sortValues(seen), numeric: seen.every((v) => typeof v === 'number') });
  }
  // Variant keys first (what the command was asked to compare), then machine fields, then parameters.
  const variantKeys = new Set(refs.flatMap((r) => Object.keys(r.run.variant)));
  const rank = (d: DimInfo) => (variantKeys.has(d.name) ? 0 : (DOC_DIMS as readonly string[]).includes(d.name) ? 1 : 2);
  varying.sort((a, b) => rank(a) - rank(b));
  const folded: Record<string, string> = {};
  const kept: DimInfo[] = [];
  for (const d of varying) {
    // Only a parameter can be folded: a variant key or machine field was chosen, never derived.
    const by = rank(d) === 2 ? kept.find((k) => k.name !== 'seed' && determines(refs, k.name, d.name)) : undefined;
    if (by) folded[d.name] = by.name;
    else kept.push(d);
  }
  return { refs, varying: kept, constant, folded };
}

/** True if every value of `a` goes with exactly one value of `b` (b adds no distinction of its own). */
export function determines(refs: RunRef[], a: string, b: string): boolean {
  const m = new Map<Value | undefined, Value | undefined>();
  for (const r of refs) {
    const ka = r.dims[a];
    if (m.has(ka) && m.get(ka) !== r.dims[b]) return false;
    m.set(ka, r.dims[b]);
  }
  return true;
}

/** `name=value` pairs of the given dimensions, for labels that must say which configuration a mark is. */
export function labelOf(dims: Record<string, Value>, names: readonly string[]): string {
  return names.map((n) => `${n}=${fmtValue(dims[n])}`).join(' · ');
}

export function fmtValue(v: Value | undefined): string {
  if (typeof v === 'number') return Number.isInteger(v) ? v.toLocaleString('en-US') : String(Number(v.toPrecision(6)));
  return String(v ?? '');
}
