// Published figures on the charts: a figure of tools/calibration is drawn on a run when the run's configuration
// is the figure's — same command, every option resolved to the same value (seed aside: the published number is
// a measurement, not a model run), and the run's variant among the figure's. Documents without provenance get no
// overlay: without the options they were run with, a match cannot be told from a near miss.
import { loadArch } from '../framework/arches.js';
import { parseCommandLine } from '../framework/invoke.js';
import { snake } from '../framework/keys.js';
import { type Figure, loadFigures, matchesVariant } from '../reproduce/calibration.js';
import type { PublishedPoint } from './build.js';
import type { RunRef } from './dims.js';

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

interface Resolved {
  figure: Figure;
  options: Record<string, unknown>;
  /** Options that take a list (the run's variant says which value it had), with how each value is written. */
  lists: Map<string, (v: unknown) => string>;
  /** --cpus left to the arch's default: that default. */
  cpus: number | undefined;
}

async function resolve(figures: Figure[]): Promise<Resolved[]> {
  const out: Resolved[] = [];
  for (const figure of figures) {
    try {
      const { def, options } = await parseCommandLine(figure.argv);
      const lists = new Map(
        Object.entries(def.options)
          .filter(([, o]) => o.list)
          .map(([k, o]) => [k, (v: unknown) => o.show(v)] as const),
      );
      let cpus = options.cpus as number | undefined;
      if (cpus === undefined && typeof options.arch === 'string') cpus = (await loadArch(options.arch)).defaultCpus;
      out.push({ figure, options, lists, cpus });
    } catch {
      // A figure whose command line no longer parses is reported by `reproduce`; it is simply not drawn here.
    }
  }
  return out;
}

function matches(f: Resolved, ref: RunRef): boolean {
  const p = ref.doc.provenance;
  if (!p || f.figure.argv[0] !== ref.doc.command || !matchesVariant(ref.run, f.figure.variant)) return false;
  if (f.cpus !== undefined && ref.doc.cpus !== f.cpus) return false;
  for (const [k, v] of Object.entries(f.options)) {
    if (k === 'seed' || k === 'cpus') continue;
    const given = p.options[k];
    const show = f.lists.get(k);
    if (show) {
      // The run's own value of a list option is in its variant. Where the figure's variant names it, the variant
      // check above has compared the resolved values (--impl legacy runs as impl 2.6.27, api vmap); otherwise the
      // figure's list must contain it (as the command line writes it: on, off, 7).
      if (snake(k) in f.figure.variant) continue;
      const mine = ref.run.variant[snake(k)];
      if (mine !== undefined && Array.isArray(v) && !v.some((x) => same(x, mine) || show(x) === String(mine)))
        return false;
      continue;
    }
    if (!same(given, v)) return false;
  }
  return true;
}

/** Published points for these runs (every figure whose configuration one of them has). */
export async function publishedFor(refs: RunRef[], figures: Figure[] = safeFigures()): Promise<PublishedPoint[]> {
  const commands = new Set(refs.map((r) => r.doc.command));
  const candidates = figures.filter((f) => commands.has(f.argv[0]) && refs.some((r) => r.doc.provenance));
  if (candidates.length === 0) return [];
  const resolved = await resolve(candidates);
  const out: PublishedPoint[] = [];
  for (const f of resolved)
    for (const ref of refs)
      if (matches(f, ref)) {
        const fig = f.figure;
        const band = fig.toleranceAbs ?? Math.abs(fig.published) * (fig.tolerance ?? 0);
        out.push({
          ref,
          path: fig.metric,
          figure: fig.id,
          published: fig.published,
          lo: fig.published - band,
          hi: fig.published + band,
        });
      }
  return out;
}

function safeFigures(): Figure[] {
  try {
    return loadFigures();
  } catch {
    return [];
  }
}
