// The kmemsim program: commander generated from every command definition, and main(), which maps outcomes to
// exit codes (0 ok, 1 failure while running, 2 bad usage or input) with one line on stderr for any error.
import type { ResultDocument } from '@kmemsim/core';
import { Command, CommanderError } from 'commander';
import { version } from '../../package.json';
import { COMMANDS, GROUPS } from '../commands/registry.js';
import { withArchSource } from './arches.js';
import { cliSchema, outputOptions } from './cli-schema.js';
import { addDefinition, type RawInvocation } from './commander.js';
import type { CommandDef, ResultCommand, RunContext } from './define.js';
import { describeThrown, OutputError, UsageError } from './errors.js';
import { checkWritable, type Io, processIo, writeWhole } from './io.js';
import { fromArgv } from './normalise.js';
import { render, ttyProgress } from './output.js';
import { startTrace } from './trace.js';

/** The package's own version (bundled from package.json, so `changeset version` moves it). */
export const VERSION: string = version;

export function contextFor(io: Io, progress = true): RunContext {
  return {
    progress: progress ? ttyProgress(io) : () => {},
    warn: (line) => io.stderr(`kmemsim: warning: ${line}\n`),
    out: (text) => io.stdout(text),
  };
}

/** Runs a result command from parsed command-line values: trace, run, render, write. Returns the exit code. */
async function runResult(def: ResultCommand, raw: RawInvocation, io: Io): Promise<number> {
  const all = fromArgv(cliSchema(def), raw) as Record<string, unknown>;
  const options = Object.fromEntries(Object.keys(def.options).map((k) => [k, all[k]]));
  const { format, out, trace, traceLimit } = Object.fromEntries(
    Object.keys(outputOptions(def)).map((k) => [k, all[k]]),
  ) as Record<string, unknown>;
  if (typeof out === 'string') checkWritable(out, '--out');
  if (typeof trace === 'string') checkWritable(trace, '--trace');
  const rec = typeof trace === 'string' ? await startTrace(def.name, trace, traceLimit as number) : undefined;
  let doc: ResultDocument;
  try {
    doc = withArchSource(await def.run(options as never, contextFor(io)));
  } finally {
    rec?.stop();
  }
  rec?.write();
  const text = await render(doc, format as never, def);
  if (typeof out === 'string') writeWhole(out, text, '--out');
  else await io.stdout(text);
  return def.exitCode?.(doc) ?? 0;
}

/** The commander program of every command, writing through `io`; `onExit` receives the exit code. */
export function buildProgram(io: Io, onExit: (code: number) => void): Command {
  const program = new Command('kmemsim')
    .description(
      'Deterministic emulators of Linux memory-management mechanisms (highmem kmap, vmalloc, rmap, /proc/vmcore)\n' +
        'on simulated multi-CPU machines, with the published kernel measurements they reproduce.',
    )
    .version(VERSION, '-V, --version')
    .showSuggestionAfterError(true)
    .configureOutput({ outputError: () => {} })
    .exitOverride();
  program.addHelpText(
    'after',
    '\nExamples:\n  kmemsim reproduce                      every published figure, model vs published\n' +
      '  kmemsim arch list                      the built-in architectures\n' +
      '  kmemsim vmap-bench --threads 1,2,4,8   ns per map+touch+unmap, per vmap design\n\n' +
      'Exit codes: 0 ok, 1 failure while running, 2 bad usage or input.',
  );
  const action = async (def: CommandDef, raw: RawInvocation) => {
    if (def.kind === 'result') onExit(await runResult(def, raw, io));
    else onExit((await def.run(fromArgv(def.options, raw), contextFor(io))) ?? 0);
  };
  for (const def of COMMANDS) addDefinition(program, def, action, GROUPS);
  return program;
}

/** Runs the CLI; returns the exit code (0 ok, 1 failure while running, 2 bad usage). */
export async function main(argv: readonly string[], io: Io = processIo()): Promise<number> {
  let code = 0;
  let pending = '';
  const program = buildProgram(io, (c) => {
    code = c;
  });
  // commander prints --help and --version synchronously; collect and write them through io (a full stdout fails
  // like any other output).
  const capture = (cmd: Command) => {
    cmd.configureOutput({ writeOut: (s) => (pending += s), writeErr: (s) => (pending += s), outputError: () => {} });
    for (const c of cmd.commands) capture(c);
  };
  capture(program);
  try {
    await program.parseAsync([...argv], { from: 'user' });
  } catch (err) {
    if (
      err instanceof CommanderError &&
      ['commander.helpDisplayed', 'commander.version', 'commander.help'].includes(err.code)
    ) {
      code = 0;
    } else return reportError(err, io);
  }
  try {
    await io.stdout(pending);
  } catch (err) {
    return reportError(err, io);
  }
  return code;
}

/** One line on stderr for anything thrown; exit 2 for bad usage, 1 otherwise. */
export function reportError(err: unknown, io: Io): number {
  if (err instanceof CommanderError) {
    // commander puts its near-miss suggestion on a second line: keep it, on the one line.
    const msg = err.message
      .replace(/^error: /, '')
      .split('\n')
      .map((s) => s.trim())
      .filter(Boolean)
      .join(' ');
    io.stderr(`kmemsim: ${msg}\n`);
    return 2;
  }
  const { name, message } = describeThrown(err);
  if (err instanceof UsageError || name === 'UsageError') {
    io.stderr(`kmemsim: ${message}\n`);
    return 2;
  }
  if (err instanceof OutputError) {
    io.stderr(`kmemsim: ${message}\n`);
    return 1;
  }
  io.stderr(`kmemsim: error: ${name}: ${message}\n`);
  if (process.env.KMEMSIM_DEBUG) io.stderr(`${(err as Error)?.stack ?? ''}\n`);
  return 1;
}
