// parse → normalise → validate: turns what a user gave (commander's strings, or a sweep file's and a calibration
// entry's typed values under any spelling of the option name) into the typed values run() receives.
import { UsageError } from './errors.js';
import { camel, didYouMean, flagOf } from './keys.js';
import { type AnyOption, type OptionSchema, parseOption, type Values } from './options.js';

/** Options a sweep or calibration entry may not set: the framework's output options. */
export const OUTPUT_OPTIONS = ['format', 'out', 'trace', 'traceLimit'] as const;

export interface Given {
  /** Where the value came from, for messages: `--threads` or `grid.threads`. */
  where: string;
  value: unknown;
}

/**
 * Maps each given key (camelCase, kebab-case or snake_case) to the schema's option name. Two keys naming the
 * same option, or a key naming no option, are errors (all of them, in `problems`).
 */
export function canonicalKeys(
  schema: OptionSchema,
  entries: readonly { where: string; key: string; value: unknown }[],
  problems: string[],
  command = 'this command',
): Map<string, Given> {
  const out = new Map<string, Given>();
  const names = Object.keys(schema);
  for (const e of entries) {
    const name = camel(e.key);
    const o = schema[name];
    if (!o || o.positional) {
      problems.push(
        `${e.where}: not an option of ${command}${didYouMean(
          name,
          names.filter((n) => !schema[n].positional),
        )}`,
      );
      continue;
    }
    const seen = out.get(name);
    if (seen) {
      problems.push(`${e.where}: the same option as ${seen.where} (${flagOf(name)})`);
      continue;
    }
    out.set(name, { where: e.where, value: e.value });
  }
  return out;
}

/** Parses every given value and fills defaults; collects every problem instead of stopping at the first. */
export function resolveValues<S extends OptionSchema>(
  schema: S,
  given: Map<string, Given>,
  problems: string[],
  whereOf: (name: string) => string = flagOf,
): Values<S> {
  const out: Record<string, unknown> = {};
  for (const [name, o] of Object.entries(schema) as [string, AnyOption][]) {
    const g = given.get(name);
    if (g === undefined || g.value === undefined) {
      if (o.required) problems.push(`${whereOf(name)}: required (${o.description})`);
      out[name] = cloneDefault(o);
      continue;
    }
    try {
      out[name] = parseOption(o, g.value, g.where);
    } catch (err) {
      problems.push(err instanceof UsageError ? err.message : `${g.where}: ${(err as Error).message}`);
    }
  }
  return out as Values<S>;
}

function cloneDefault(o: AnyOption): unknown {
  const d = o.default as unknown;
  if (d === undefined) return undefined;
  if (o.list) return Array.isArray(d) ? [...d] : [d];
  return d;
}

/** Command-line values (commander's camelCase keys) → typed values; the first problem is the error. */
export function fromArgv<S extends OptionSchema>(schema: S, raw: Record<string, unknown>): Values<S> {
  const problems: string[] = [];
  const given = new Map<string, Given>();
  for (const [k, v] of Object.entries(raw)) {
    if (v === undefined || !(k in schema)) continue;
    given.set(k, { where: schema[k].positional ? k : flagOf(k), value: v });
  }
  const values = resolveValues(schema, given, problems);
  if (problems.length > 0) throw new UsageError(problems[0]);
  return values;
}

/**
 * Typed values from code, a sweep point or a calibration entry: keys in any spelling, values typed or text.
 * Every problem is reported at once, each with its path (`prefix.key`).
 */
export function fromObject<S extends OptionSchema>(
  schema: S,
  input: Record<string, unknown>,
  prefix = '',
  forbidden: readonly string[] = OUTPUT_OPTIONS,
): Values<S> {
  const problems: string[] = [];
  const entries = Object.entries(input).map(([key, value]) => ({
    where: prefix ? `${prefix}.${key}` : key,
    key,
    value,
  }));
  for (const e of entries)
    if (forbidden.includes(camel(e.key))) problems.push(`${e.where}: not allowed here (an output option)`);
  const given = canonicalKeys(
    schema,
    entries.filter((e) => !forbidden.includes(camel(e.key))),
    problems,
  );
  const values = resolveValues(schema, given, problems, (n) => (prefix ? `${prefix}.${n}` : n));
  if (problems.length > 0) throw new UsageError(problems.join('; '));
  return values;
}
