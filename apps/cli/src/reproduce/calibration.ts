// The published figures (tools/calibration/*.json, shipped in dist/calibration) and how to read a model value.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Run } from '@kmemsim/core';
import { z } from 'zod';

export const FigureSchema = z.object({
  id: z.string().min(1),
  label: z.string().min(1),
  argv: z.array(z.string()).min(1),
  variant: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])),
  metric: z.string().min(1),
  published: z.number(),
  tolerance: z.number().nonnegative().optional(),
  toleranceAbs: z.number().nonnegative().optional(),
  role: z.enum(['calibration', 'check']),
  sets: z.array(z.string()).optional(),
});

/**
 * A published profile that is a top N: the figures whose id starts with `figures` are its N rows. Every function
 * absent from it had at most the Nth row's count, so each model row not among them gets a `bound` check.
 */
export const TopListSchema = z.object({
  id: z.string().min(1),
  label: z.string().min(1),
  figures: z.string().min(1),
  n: z.number().int().positive(),
});

export const SeedFileSchema = z.object({
  seed: z.string(),
  title: z.string(),
  source: z.string(),
  notes: z.string().optional(),
  figures: z.array(FigureSchema),
  tops: z.array(TopListSchema).optional(),
});

export type Figure = z.infer<typeof FigureSchema> & { seed: string; source: string; title: string };

/** A published top-N profile of one experiment (see {@link TopListSchema}). */
export type TopList = z.infer<typeof TopListSchema> & { seed: string };

/** dist/calibration next to the bundle; in a source checkout, tools/calibration. */
function calibrationDir(): string {
  const shipped = fileURLToPath(new URL('./calibration/', import.meta.url));
  if (existsSync(shipped)) return shipped;
  return fileURLToPath(new URL('../../../../tools/calibration/', import.meta.url));
}

function loadSeedFiles(dir: string): z.infer<typeof SeedFileSchema>[] {
  const files = readdirSync(dir)
    .filter((f) => /^\d{3}-.*\.json$/.test(f))
    .sort();
  return files.map((f) => {
    const parsed = SeedFileSchema.safeParse(JSON.parse(readFileSync(`${dir}/${f}`, 'utf8')));
    if (!parsed.success) {
      const i = parsed.error.issues[0];
      throw new Error(`calibration file ${f}: ${i.path.join('.')}: ${i.message}`);
    }
    return parsed.data;
  });
}

export function loadFigures(dir = calibrationDir()): Figure[] {
  return loadSeedFiles(dir).flatMap(({ figures, ...meta }) =>
    figures.map((fig) => ({ ...fig, seed: meta.seed, source: meta.source, title: meta.title })),
  );
}

/** Every published top-N profile in the calibration files, with its experiment's seed. */
export function loadTopLists(dir = calibrationDir()): TopList[] {
  return loadSeedFiles(dir).flatMap((s) => (s.tops ?? []).map((t) => ({ ...t, seed: s.seed })));
}

/** Reads `metrics.<name>`, `time.real_s`, `counters.syscalls.mmap` or `profile.<symbol>.<field>` from a run. */
export function readMetric(run: Run, path: string): number | undefined {
  const parts = path.split('.');
  if (parts[0] === 'profile') {
    const field = parts[parts.length - 1] as keyof Run['profile'][number];
    const symbol = parts.slice(1, -1).join('.');
    const row = run.profile.find((r) => r.symbol === symbol);
    return row ? Number(row[field]) : 0;
  }
  // A metric's name is a name, dots and all (`fix_size_alloc_test.avg_usec`), not a path into the run.
  if (parts[0] === 'metrics') {
    const v = run.metrics[parts.slice(1).join('.')];
    return typeof v === 'number' ? v : undefined;
  }
  let node: unknown = run;
  for (const p of parts) node = node && typeof node === 'object' ? (node as Record<string, unknown>)[p] : undefined;
  return typeof node === 'number' ? node : undefined;
}

export function matchesVariant(run: Run, variant: Figure['variant']): boolean {
  return Object.entries(variant).every(([k, v]) => run.variant[k] === v);
}

/** Per experiment (seed): published figures N, fitted parameters K (the union of its figures' `sets`), budget. */
export interface LedgerSummary {
  seed: string;
  title: string;
  figures: number;
  fitted: number;
  budget: number;
  checks: number;
  /** `bound` checks derived from published top-N profiles (not figures: outside the budget), and the N. */
  bounds?: { count: number; top: number };
}

/** The fit budget of docs/fidelity.md: max(1, ⌊published figures / 3⌋). */
export const fitBudget = (figures: number) => Math.max(1, Math.floor(figures / 3));

export function ledgers(
  figures: Figure[],
  bounds: ReadonlyMap<string, { count: number; top: number }> = new Map(),
): LedgerSummary[] {
  const bySeed = new Map<string, Figure[]>();
  for (const f of figures) bySeed.set(f.seed, [...(bySeed.get(f.seed) ?? []), f]);
  return [...bySeed].map(([seed, fs]) => {
    const fitted = new Set(fs.flatMap((f) => f.sets ?? [])).size;
    return {
      seed,
      title: fs[0]!.title,
      figures: fs.length,
      fitted,
      budget: fitBudget(fs.length),
      checks: fs.length - fitted,
      ...(bounds.has(seed) ? { bounds: bounds.get(seed) } : {}),
    };
  });
}

export function ledgerLine(l: LedgerSummary): string {
  const b = l.bounds
    ? `, bounds ${l.bounds.count} (absent from the published top ${l.bounds.top}: derived, outside the budget)`
    : '';
  return `seed ${l.seed} — ${l.title}: figures ${l.figures}, fitted ${l.fitted} (budget ${l.budget}), checks ${l.checks}${b}`;
}
