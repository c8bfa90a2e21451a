// The provenance of a figure, as its caption and as SVG <metadata>: the kmemsim version, the command line(s),
// arch, virt, CPUs and every option that shaped the result, what was swept, the seeds, the published figures
// drawn, and whether a verdict flips within an unsourced [U] range (docs/fidelity.md).
import type { ResultDocument } from '@kmemsim/core';
import { findCommand } from '../framework/invoke.js';
import { kebab, snake } from '../framework/keys.js';
import { VERSION } from '../framework/provenance.js';
import type { PublishedPoint } from './build.js';
import { type Dims, fmtValue } from './dims.js';

export interface Provenance {
  kmemsim: string;
  command: string;
  command_lines: string[];
  /** Options with one value over every run, as the command line spells them. */
  constant: Record<string, string>;
  /** Options that differ between runs, and their values. */
  swept: Record<string, string[]>;
  seeds: number[];
  published: string[];
  sensitivity: string[];
  /** Present when some runs' times are estimates (a sampled fidelity): what was chosen and the widest bound. */
  fidelity?: string[];
}

const MACHINE = ['arch', 'virt', 'cpus'];

/** What a value of option `k` of `command` looks like on its command line (its own formatter: 1.5GiB, on …). */
function shown(command: string, k: string, v: unknown): string {
  const def = findCommand(command);
  const o = def?.kind === 'result' ? def.options[k] : undefined;
  const one = (x: unknown) => {
    try {
      return o ? o.show(x) : fmtValue(x as never);
    } catch {
      return String(x);
    }
  };
  return Array.isArray(v) ? v.map(one).join(',') : one(v);
}

export function provenanceOf(
  command: string,
  docs: ResultDocument[],
  dims: Dims,
  published: PublishedPoint[],
): Provenance {
  const constant: Record<string, string> = {};
  const swept: Record<string, string[]> = {};
  for (const k of MACHINE) if (k in dims.constant) constant[k] = fmtValue(dims.constant[k]);
  // Options as run (provenance), where every document has them; else the scalar parameters.
  const withOptions = docs.every((d) => d.provenance);
  if (withOptions) {
    const keys = [...new Set(docs.flatMap((d) => Object.keys(d.provenance!.options)))];
    const varying = new Set(dims.varying.map((d) => d.name));
    for (const k of keys) {
      if (k === 'seed' || MACHINE.includes(k) || varying.has(snake(k))) continue;
      const vals = [...new Set(docs.map((d) => shown(command, k, d.provenance!.options[k])))];
      if (vals.length === 1) constant[kebab(k)] = vals[0];
      else swept[kebab(k)] = vals;
    }
  } else {
    for (const [k, v] of Object.entries(dims.constant))
      if (!MACHINE.includes(k) && k !== 'seed') constant[k] = fmtValue(v);
  }
  for (const d of dims.varying) if (d.name !== 'seed') swept[d.name] = d.values.map((v) => fmtValue(v));
  const seeds = [...new Set(docs.map((d) => d.seed))].sort((a, b) => a - b);
  const fidelity = fidelityLines(docs);
  return {
    kmemsim: docs.find((d) => d.provenance)?.provenance?.kmemsim ?? VERSION,
    command,
    command_lines: [...new Set(docs.map((d) => d.provenance?.command_line).filter((x): x is string => !!x))],
    constant,
    swept,
    seeds,
    published: [...new Set(published.map((p) => p.figure))],
    sensitivity: docs.flatMap(sensitivityLines),
    ...(fidelity.length ? { fidelity } : {}),
  };
}

/**
 * Documents whose times are estimates (`params.fidelity` "sampled", e.g. rmap-fork at ≥ 262,144 pages): one line
 * naming why sampled ran and the widest `estimate_bound_pct` its runs state, so a chart never hides that its
 * points carry an error bound.
 */
export function fidelityLines(docs: ResultDocument[]): string[] {
  const sampled = docs.filter((d) => d.params.fidelity === 'sampled');
  if (!sampled.length) return [];
  const why = [...new Set(sampled.map((d) => String(d.params.fidelity_choice ?? 'asked for')))];
  const bounds = sampled.flatMap((d) => d.runs.map((r) => r.metrics.estimate_bound_pct ?? 0));
  const widest = Math.max(0, ...bounds);
  const of = sampled.length === docs.length ? '' : ` in ${sampled.length} of ${docs.length} results`;
  return [
    `fidelity: sampled (${why.join('; ')})${of} — times estimated, within ±${widest} % (the widest bound stated)`,
  ];
}

/** One sensitivity entry of a run's params: a [U] value at both ends of its range and the verdicts there. */
export interface SensEntry {
  parameter: string;
  lo: number;
  hi: number;
  verdict_lo: string;
  verdict_hi: string;
  flips: boolean;
}

/**
 * The `sensitivity` entry a command adds when a verdict depends on [U] values (top level or in params):
 * `{ verdict, entries: [{ parameter, lo, hi, verdict_lo, verdict_hi, flips }] }` (checkpoint), or rmap-fork's
 * list of `{ param, lo, hi, ranking_lo, ranking_hi, flips }`.
 */
export function sensitivityLines(doc: ResultDocument): string[] {
  const raw = (doc as { sensitivity?: unknown }).sensitivity ?? doc.params.sensitivity;
  const s = (Array.isArray(raw) ? { entries: raw.map(fromRanking) } : raw) as
    | { verdict?: string; entries?: SensEntry[] }
    | undefined;
  if (!s || typeof s !== 'object') return [];
  const entries = Array.isArray(s.entries) ? s.entries : [];
  const verdict = s.verdict ? `verdict ${s.verdict}` : Array.isArray(raw) ? 'the ranking' : 'the verdict';
  const flips = entries.filter((e) => e.flips);
  if (flips.length === 0)
    return entries.length ? [`${verdict} holds across the ${entries.length} [U] ranges it depends on`] : [];
  return [
    `⚠ ${verdict} flips within ${flips.length} of ${entries.length} [U] ranges: ` +
      flips
        .map((e) => `${e.parameter} [U ${e.lo}..${e.hi}] gives ${e.verdict_lo} at ${e.lo}, ${e.verdict_hi} at ${e.hi}`)
        .join('; '),
  ];
}

/** rmap-fork's entry (a ranking of designs at each end of the range) in the common form. */
function fromRanking(e: Record<string, unknown>): SensEntry {
  const order = (r: unknown) => (Array.isArray(r) ? r.join(' < ') : String(r));
  return {
    parameter: String(e.param),
    lo: e.lo as number,
    hi: e.hi as number,
    verdict_lo: order(e.ranking_lo),
    verdict_hi: order(e.ranking_hi),
    flips: Boolean(e.flips),
  };
}

const range = (xs: number[]) =>
  xs.length > 2 && xs[xs.length - 1] - xs[0] === xs.length - 1 ? `${xs[0]}–${xs[xs.length - 1]}` : xs.join(', ');

/** Caption lines, each at most `width` characters (wrapped at separators). */
export function captionLines(p: Provenance, width = 110): string[] {
  const head = [
    `kmemsim ${p.kmemsim} ${p.command}`,
    ...Object.entries(p.constant).map(([k, v]) => (k === 'cpus' ? `${v} CPUs` : `${k} ${v}`)),
  ];
  const lines = [head.join(' · ')];
  const swept = Object.entries(p.swept).map(([k, v]) => `${k} ${v.join(', ')}`);
  const seeds = p.seeds.length > 1 ? `seeds ${range(p.seeds)} (mean, whiskers min–max)` : `seed ${p.seeds[0]}`;
  lines.push([swept.length ? `swept: ${swept.join(' · ')}` : '', seeds].filter(Boolean).join(' · '));
  if (p.command_lines.length === 1) lines.push(`$ ${p.command_lines[0]}`);
  else if (p.command_lines.length > 1)
    lines.push(`${p.command_lines.length} command lines (sweep points), e.g. $ ${p.command_lines[0]}`);
  if (p.published.length)
    lines.push(`◆ published figures ${p.published.join(', ')} (bar: tolerance) — tools/calibration`);
  lines.push(...p.sensitivity, ...(p.fidelity ?? []));
  return lines.flatMap((l) => wrap(l, width));
}

function wrap(line: string, width: number): string[] {
  if (line.length <= width) return [line];
  const out: string[] = [];
  let cur = '';
  for (const part of line.split(/(?<= · |; |, )/)) {
    if (cur && (cur + part).length > width) {
      out.push(cur.trimEnd());
      cur = `   ${part}`;
    } else cur += part;
  }
  if (cur.trim()) out.push(cur.trimEnd());
  return out;
}

/** `<metadata>` for an SVG: the provenance as JSON (XML-escaped). */
export function svgMetadata(p: Provenance): string {
  const json = JSON.stringify(p).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  return `<metadata><kmemsim:provenance xmlns:kmemsim="https://kmemsim.dev/ns/provenance">${json}</kmemsim:provenance></metadata>`;
}
