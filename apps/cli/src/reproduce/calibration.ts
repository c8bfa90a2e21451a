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

export const SeedFileSchema = z.object({
  seed: z.string(),
  title: z.string(),
  source: z.string(),
  notes: z.string().optional(),
  figures: z.array(FigureSchema),
});

export type Figure = z.infer<typeof FigureSchema> & { seed: string; source: string; title: string };

/** dist/calibration next to the bundle; in a source checkout, tools/calibration. */
function calibrationDir(): string {
  const shipped = fileURLToPath(new URL('./calibration/', import.meta.url));
  if (existsSync(shipped)) return shipped;
  return fileURLToPath(new URL('../../../../tools/calibration/', import.meta.url));
}

export function loadFigures(dir = calibrationDir()): Figure[] {
  const files = readdirSync(dir)
    .filter((f) => /^\d{3}-.*\.json$/.test(f))
    .sort();
  return files.flatMap((f) => {
    const parsed = SeedFileSchema.safeParse(JSON.parse(readFileSync(`${dir}/${f}`, 'utf8')));
    if (!parsed.success) {
      const i = parsed.error.issues[0];
      throw new Error(`calibration file ${f}: ${i.path.join('.')}: ${i.message}`);
    }
    const { figures, ...meta } = parsed.data;
    return figures.map((fig) => ({ ...fig, seed: meta.seed, source: meta.source, title: meta.title }));
  });
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
