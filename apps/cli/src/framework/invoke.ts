// Running commands in-process (sweep, reproduce, the programmatic API): typed values in, result document out.
// A command line (a calibration entry's argv) is split by the command's own generated commander and parsed by
// its schema — the same path as the CLI — then run() is called directly.
import type { ResultDocument } from '@kmemsim/core';
import { Command, CommanderError } from 'commander';
import { COMMANDS } from '../commands/registry.js';
import { withArchSource } from './arches.js';
import { cliSchema } from './cli-schema.js';
import { addDefinition, type RawInvocation } from './commander.js';
import type { CommandDef, ResultCommand, RunContext } from './define.js';
import { UsageError } from './errors.js';
import { camel, didYouMean, flagOf } from './keys.js';
import { fromArgv, fromObject, OUTPUT_OPTIONS } from './normalise.js';
import { commandLineFor, commandLineOf, withProvenance } from './provenance.js';

export const QUIET: RunContext = {
  progress: () => {},
  warn: () => {},
  info: () => {},
  tty: false,
  out: async () => {},
};

/** The command definition of a name (`vmap-bench`, `arch list`), or undefined. */
export function findCommand(name: string): CommandDef | undefined {
  return COMMANDS.find((c) => c.name === name);
}

/** A command that `sweep` may run (a simulation producing a result document). */
export function sweepableCommand(name: string, where: string): ResultCommand {
  const def = findCommand(name);
  if (def?.kind !== 'result' || !def.sweepable) {
    const names = COMMANDS.filter((c) => c.kind === 'result' && c.sweepable).map((c) => c.name);
    throw new UsageError(
      `${where}: "${name}" is not a simulation command (one of ${names.join(', ')})${didYouMean(name, names)}`,
    );
  }
  return def;
}

/** Typed values (any key spelling; typed or text values) → run(). */
export async function runCommand(
  name: string,
  input: Record<string, unknown>,
  ctx: RunContext = QUIET,
): Promise<ResultDocument> {
  const def = findCommand(name);
  if (def?.kind !== 'result') throw new UsageError(`"${name}" is not a command that produces results`);
  const options = fromObject(def.options, input) as Record<string, unknown>;
  const show = (k: string, v: unknown) => {
    const o = def.options[camel(k)];
    try {
      return o ? o.show(o.item(v, k)) : String(v);
    } catch {
      return String(v);
    }
  };
  return withProvenance(
    withArchSource(await def.run(options as never, ctx)),
    options,
    commandLineFor(name, input, show),
  );
}

/** A command line (without "kmemsim") → its definition and typed values, without running it. */
export async function parseCommandLine(
  argv: readonly string[],
): Promise<{ def: ResultCommand; options: Record<string, unknown> }> {
  const [name, ...rest] = argv;
  const def = findCommand(name ?? '');
  if (def?.kind !== 'result') throw new UsageError(`"${argv.join(' ')}" is not a command that produces results`);
  let raw: RawInvocation | undefined;
  const program = new Command('kmemsim').exitOverride().configureOutput({ outputError: () => {}, writeOut: () => {} });
  addDefinition(program, def, async (_d, r) => {
    raw = r;
  });
  try {
    await program.parseAsync([name, ...rest], { from: 'user' });
  } catch (err) {
    if (err instanceof CommanderError)
      throw new UsageError(
        err.message
          .replace(/^error: /, '')
          .split('\n')
          .join(' '),
      );
    throw err;
  }
  if (!raw) throw new UsageError(`"${argv.join(' ')}" did not parse`);
  for (const k of OUTPUT_OPTIONS)
    if (raw[k] !== undefined)
      throw new UsageError(`${flagOf(k)}: an output option, not allowed in "${argv.join(' ')}"`);
  const all = fromArgv(cliSchema(def), raw) as Record<string, unknown>;
  const options: Record<string, unknown> = {};
  for (const k of Object.keys(def.options)) options[k] = all[k];
  return { def, options };
}

/** Parses a command line through the typed definitions and calls run() directly. */
export async function runCommandLine(argv: readonly string[], ctx: RunContext = QUIET): Promise<ResultDocument> {
  const { def, options } = await parseCommandLine(argv);
  return withProvenance(withArchSource(await def.run(options as never, ctx)), options, commandLineOf(argv));
}
