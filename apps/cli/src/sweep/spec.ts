// A sweep file (JSON or YAML): a command, options common to every point (base), axes whose cartesian product
// gives the points (grid), and optional seeds. Every key and value is checked against the command's own option
// schema — keys in any spelling are normalised first, values are typed (false is off, "8MiB" and 8388608 are one
// size) — and repeated values are dropped with a warning. Points are never listed: point(i) computes the i-th.
import { createHash } from 'node:crypto';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import type { ResultCommand } from '../framework/define.js';
import { UsageError } from '../framework/errors.js';
import { readBounded } from '../framework/files.js';
import { sweepableCommand } from '../framework/invoke.js';
import { camel, snake } from '../framework/keys.js';
import { canonicalKeys, OUTPUT_OPTIONS } from '../framework/normalise.js';
import { parseOption } from '../framework/options.js';

/** A sweep file is a few lines of text; anything bigger is not one. */
export const MAX_SWEEP_FILE_BYTES = 1 << 20;

const Value = z.union([z.string(), z.number(), z.boolean(), z.array(z.union([z.string(), z.number(), z.boolean()]))]);
const Mapping = z.record(z.string(), z.union([z.string(), z.number()]));

export const SweepFileSchema = z
  .object({
    command: z.string().min(1),
    base: z.record(z.string(), z.union([Value, Mapping])).default({}),
    grid: z.record(z.string(), z.array(z.union([Value, Mapping])).min(1, 'needs at least one value')),
    seeds: z
      .array(
        z
          .number()
          .int()
          .min(0)
          .max(2 ** 32 - 1),
      )
      .min(1)
      .optional(),
  })
  .strict();

export type SweepFile = z.infer<typeof SweepFileSchema>;

export interface Axis {
  name: string;
  values: unknown[];
}

export interface Sweep {
  def: ResultCommand;
  /** Typed values of the base options, by option name. */
  base: Record<string, unknown>;
  axes: Axis[];
  seeds: number[];
  /** Number of points: the product of the axis lengths, times the seeds. */
  total: number;
  /** Identity of the grid (command, base, axes and their order, seeds): lines of another grid are refused. */
  fingerprint: string;
  /** One line per dropped duplicate, for the user. */
  warnings: string[];
}

export interface Point {
  index: number;
  seed: number;
  /** The given options' typed values (base and this point's axis values), by option name. */
  options: Record<string, unknown>;
}

/** Parses and validates a sweep: every problem at once, each with its dot path, on one line. */
export function compileSweep(raw: unknown, label: string): Sweep {
  const r = SweepFileSchema.safeParse(raw);
  if (!r.success) {
    const list = r.error.issues
      .map((i) => `${i.path.join('.') || '(root)'}: ${/received undefined$/.test(i.message) ? 'required' : i.message}`)
      .join('; ');
    throw new UsageError(`${label}: ${list}`);
  }
  const spec = r.data;
  const def = sweepableCommand(spec.command, `${label}: command`);
  const problems: string[] = [];
  const entries = [
    ...Object.entries(spec.base).map(([key, value]) => ({ where: `base.${key}`, key, value, axis: false })),
    ...Object.entries(spec.grid).map(([key, value]) => ({ where: `grid.${key}`, key, value, axis: true })),
  ];
  const allowed = entries.filter((e) => {
    const name = camel(e.key);
    if ((OUTPUT_OPTIONS as readonly string[]).includes(name) || def.options[name]?.sweep === false) {
      problems.push(`${e.where}: set by sweep itself${name === 'seed' ? ' (use seeds:)' : ''}`);
      return false;
    }
    return true;
  });
  const given = canonicalKeys(def.options, allowed, problems, def.name);
  const base: Record<string, unknown> = {};
  const axes: Axis[] = [];
  const warnings: string[] = [];
  for (const [name, g] of given) {
    const o = def.options[name];
    if (!g.where.startsWith('grid.')) {
      try {
        base[name] = parseOption(o, g.value, g.where);
      } catch (err) {
        problems.push((err as Error).message);
      }
      continue;
    }
    const values: unknown[] = [];
    const seen = new Map<string, number>();
    (g.value as unknown[]).forEach((v, i) => {
      try {
        const typed = parseOption(o, v, `${g.where}[${i}]`);
        const k = JSON.stringify(typed);
        const first = seen.get(k);
        if (first !== undefined)
          warnings.push(`${g.where}[${i}] repeats ${g.where}[${first}] (${k}): the duplicate point is dropped`);
        else {
          seen.set(k, i);
          values.push(typed);
        }
      } catch (err) {
        problems.push((err as Error).message);
      }
    });
    axes.push({ name, values });
  }
  if (problems.length) throw new UsageError(`${label}: ${problems.join('; ')}`);
  const seeds: number[] = [];
  for (const [i, s] of (spec.seeds ?? [1]).entries()) {
    if (seeds.includes(s)) warnings.push(`seeds[${i}] repeats seed ${s}: the duplicate points are dropped`);
    else seeds.push(s);
  }
  const total = axes.reduce((n, a) => n * a.values.length, seeds.length);
  if (!Number.isSafeInteger(total))
    throw new UsageError(`${label}: grid: ${total} points, more than ${Number.MAX_SAFE_INTEGER} can be numbered`);
  const fingerprint = createHash('sha256')
    .update(
      JSON.stringify({ v: 1, command: def.name, base: sorted(base), axes: axes.map((a) => [a.name, a.values]), seeds }),
    )
    .digest('hex')
    .slice(0, 32);
  return { def, base, axes, seeds, total, fingerprint, warnings };
}

const sorted = (o: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(o).sort(([a], [b]) => (a < b ? -1 : 1)));

/** Reads and compiles a sweep file (YAML, or JSON by extension). */
export function loadSweepFile(file: string): Sweep {
  const label = `sweep file ${file}`;
  const text = readBounded(file, label, MAX_SWEEP_FILE_BYTES);
  const json = /\.json$/i.test(file);
  let raw: unknown;
  try {
    raw = json ? JSON.parse(text) : parseYaml(text, { maxAliasCount: 100 });
  } catch (err) {
    throw new UsageError(
      `${label}: not valid ${json ? 'JSON' : 'YAML'}: ${String((err as Error).message).split('\n')[0]}`,
    );
  }
  // An empty (or comments-only) file parses to null: say so, not "(root): expected object, received null".
  if (raw === null || raw === undefined)
    throw new UsageError(`${label}: is empty, expected a mapping with command: and grid: (see docs/sweeps.md)`);
  return compileSweep(raw, label);
}

/** The i-th point: seeds slowest, then the axes in file order (first axis slowest). */
export function point(s: Sweep, index: number): Point {
  let rest = index;
  const options: Record<string, unknown> = { ...s.base };
  for (let a = s.axes.length - 1; a >= 0; a--) {
    const n = s.axes[a].values.length;
    options[s.axes[a].name] = s.axes[a].values[rest % n];
    rest = Math.floor(rest / n);
  }
  return { index, seed: s.seeds[rest], options };
}

/** The options of a point as JSON keys (snake_case, sorted): the `options` field of its line. */
export function optionsJson(p: Point): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(p.options)
      .map(([k, v]) => [snake(k), v] as const)
      .sort(([a], [b]) => (a < b ? -1 : 1)),
  );
}

/** Indices of shard i/n, lazily: i, i+n, i+2n … below total. */
export function* shardIndices(total: number, shard: { index: number; count: number }): Generator<number> {
  for (let i = shard.index; i < total; i += shard.count) yield i;
}

export function shardSize(total: number, shard: { index: number; count: number }): number {
  return shard.index >= total ? 0 : Math.floor((total - 1 - shard.index) / shard.count) + 1;
}

/** --shard i/n, or Kubernetes Indexed Jobs (JOB_COMPLETION_INDEX / JOB_COMPLETIONS). */
export function parseShard(flag: string | undefined, env: NodeJS.ProcessEnv): { index: number; count: number } {
  const num = (s: string | undefined) =>
    s !== undefined && /^\d{1,9}$/.test(s.trim()) ? Number(s.trim()) : Number.NaN;
  if (flag === undefined && env.JOB_COMPLETION_INDEX !== undefined) {
    const index = num(env.JOB_COMPLETION_INDEX);
    const count = num(env.JOB_COMPLETIONS);
    if (!Number.isInteger(index) || !Number.isInteger(count) || count < 1 || index >= count) {
      throw new UsageError(
        `JOB_COMPLETION_INDEX/JOB_COMPLETIONS: got "${env.JOB_COMPLETION_INDEX}"/"${env.JOB_COMPLETIONS ?? ''}", expected integers with 0 ≤ index < completions`,
      );
    }
    return { index, count };
  }
  if (flag === undefined) return { index: 0, count: 1 };
  const m = /^(\d{1,9})\/(\d{1,9})$/.exec(flag.trim());
  const index = m ? Number(m[1]) : Number.NaN;
  const count = m ? Number(m[2]) : Number.NaN;
  if (!m || count < 1 || index >= count)
    throw new UsageError(`--shard: got "${flag}", expected i/n with 0 ≤ i < n (e.g. 0/3)`);
  return { index, count };
}
