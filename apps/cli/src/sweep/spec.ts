// A sweep file (JSON or YAML): a command, options common to every point, axes whose cartesian product gives the
// points, and optional seeds. Validated with dot-path errors; points are numbered in a fixed order.
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { UsageError } from '../framework/errors.js';

const Value = z.union([z.string(), z.number(), z.boolean()]);

export const SweepSpecSchema = z
  .object({
    command: z.string().min(1),
    base: z.record(z.string(), Value).default({}),
    grid: z.record(z.string(), z.array(Value).min(1, 'needs at least one value')),
    seeds: z.array(z.number().int().nonnegative()).min(1).optional(),
  })
  .strict();

export type SweepSpec = z.infer<typeof SweepSpecSchema>;

export interface Point {
  index: number;
  /** Stable identity of the point (command, options, seed) for resume and merge. */
  key: string;
  options: Record<string, string | number | boolean>;
  seed: number;
  argv: string[];
}

export function loadSweepFile(file: string, optionsOf: (command: string) => string[] | undefined): SweepSpec {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new UsageError(`sweep file ${file}: cannot read (${(err as NodeJS.ErrnoException).code})`);
  }
  let raw: unknown;
  try {
    raw = /\.json$/i.test(file) ? JSON.parse(text) : parseYaml(text);
  } catch (err) {
    throw new UsageError(
      `sweep file ${file}: not valid ${/\.json$/i.test(file) ? 'JSON' : 'YAML'}: ${(err as Error).message.split('\n')[0]}`,
    );
  }
  const r = SweepSpecSchema.safeParse(raw);
  if (!r.success) {
    const list = r.error.issues
      .map((i) => `${i.path.join('.') || '(root)'}: ${/received undefined$/.test(i.message) ? 'required' : i.message}`)
      .join('; ');
    throw new UsageError(`sweep file ${file}: ${list}`);
  }
  const spec = r.data;
  const known = optionsOf(spec.command);
  if (!known) throw new UsageError(`sweep file ${file}: command: "${spec.command}" is not a simulation command`);
  const bad: string[] = [];
  for (const [where, obj] of [
    ['base', spec.base],
    ['grid', spec.grid],
  ] as const) {
    for (const k of Object.keys(obj)) {
      if (!known.includes(kebab(k))) bad.push(`${where}.${k}: not an option of ${spec.command}`);
      if (['format', 'out', 'trace', 'seed'].includes(kebab(k)))
        bad.push(`${where}.${k}: set by sweep itself${k === 'seed' ? ' (use seeds:)' : ''}`);
    }
  }
  for (const k of Object.keys(spec.grid)) if (k in spec.base) bad.push(`grid.${k}: also given in base`);
  if (bad.length) throw new UsageError(`sweep file ${file}: ${bad.join('; ')} (options: ${known.join(', ')})`);
  return spec;
}

export function kebab(k: string): string {
  return k.replace(/_/g, '-').replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

/** Every point: the cartesian product of the axes (first axis slowest), once per seed (seed slowest). */
export function points(spec: SweepSpec): Point[] {
  const axes = Object.entries(spec.grid);
  let combos: Record<string, string | number | boolean>[] = [{}];
  for (const [k, values] of axes) combos = combos.flatMap((c) => values.map((v) => ({ ...c, [k]: v })));
  const seeds = spec.seeds ?? [1];
  const out: Point[] = [];
  for (const seed of seeds) {
    for (const c of combos) {
      const options = { ...spec.base, ...c };
      const argv = [spec.command];
      for (const [k, v] of Object.entries(options).sort(([a], [b]) => (a < b ? -1 : 1))) {
        if (v === true) argv.push(`--${kebab(k)}`);
        else if (v !== false) argv.push(`--${kebab(k)}`, String(v));
      }
      argv.push('--seed', String(seed));
      const key = JSON.stringify([spec.command, Object.entries(options).sort(([a], [b]) => (a < b ? -1 : 1)), seed]);
      out.push({ index: out.length, key, options, seed, argv });
    }
  }
  return out;
}

/** --shard i/n, or Kubernetes Indexed Jobs (JOB_COMPLETION_INDEX / JOB_COMPLETIONS). */
export function parseShard(flag: string | undefined, env: NodeJS.ProcessEnv): { index: number; count: number } {
  if (flag === undefined && env.JOB_COMPLETION_INDEX !== undefined) {
    const index = Number(env.JOB_COMPLETION_INDEX);
    const count = Number(env.JOB_COMPLETIONS ?? Number.NaN);
    if (!Number.isInteger(index) || !Number.isInteger(count) || count < 1 || index < 0 || index >= count) {
      throw new UsageError(
        `JOB_COMPLETION_INDEX/JOB_COMPLETIONS: got ${env.JOB_COMPLETION_INDEX}/${env.JOB_COMPLETIONS}, expected 0 ≤ index < completions`,
      );
    }
    return { index, count };
  }
  if (flag === undefined) return { index: 0, count: 1 };
  const m = /^(\d+)\/(\d+)$/.exec(flag);
  const index = m ? Number(m[1]) : Number.NaN;
  const count = m ? Number(m[2]) : Number.NaN;
  if (!m || count < 1 || index >= count)
    throw new UsageError(`--shard: got "${flag}", expected i/n with 0 ≤ i < n (e.g. 0/3)`);
  return { index, count };
}
