// Every result document says where it came from (issue: figures without provenance mislead): the kmemsim
// version, the command line, and every option's resolved value. It sits in the header, before params and runs.
import type { ResultDocument } from '@kmemsim/core';
import { version } from '../../package.json';
import { flagOf } from './keys.js';

/** The package's own version (bundled from package.json, so `changeset version` moves it). */
export const VERSION: string = version;

/** Shell-quotes one word when it needs it. */
function quote(w: string): string {
  return /^[\w@%+=:,./-]+$/.test(w) ? w : `'${w.replace(/'/g, "'\\''")}'`;
}

export function commandLineOf(argv: readonly string[]): string {
  return ['kmemsim', ...argv].map(quote).join(' ');
}

/**
 * The command line that gives these options (a sweep point, or code calling a command), each value written the
 * way its option shows it (8MiB, on, 1,2,4).
 */
export function commandLineFor(
  command: string,
  given: Record<string, unknown>,
  show: (key: string, v: unknown) => string = (_k, v) => String(v),
): string {
  const words = [command];
  for (const [k, v] of Object.entries(given)) {
    if (v === undefined) continue;
    words.push(flagOf(k), Array.isArray(v) ? v.map((x) => show(k, x)).join(',') : show(k, v));
  }
  return commandLineOf(words);
}

/** JSON-safe resolved options (undefined: the command's own default, left out). */
function plain(options: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(options)) if (v !== undefined) out[k] = v;
  return JSON.parse(JSON.stringify(out));
}

export function withProvenance(
  doc: ResultDocument,
  options: Record<string, unknown>,
  commandLine: string,
): ResultDocument {
  const { schema, command, arch, arch_source, virt, cpus, seed, provenance: _old, params, runs, ...rest } = doc;
  return {
    schema,
    command,
    arch,
    ...(arch_source ? { arch_source } : {}),
    virt,
    cpus,
    seed,
    provenance: { kmemsim: VERSION, command_line: commandLine, options: plain(options) },
    params,
    runs,
    ...rest,
  };
}
