// The kmemsim program: commander generated from every command definition, and main(), which maps outcomes to
// exit codes (0 ok, 1 failure while running, 2 bad usage or input) with one line on stderr for any error.
import type { ResultDocument } from '@kmemsim/core';
import { Command, CommanderError } from 'commander';
import { COMMANDS, GROUPS } from '../commands/registry.js';
import { withArchSource } from './arches.js';
import { cliSchema, outputOptions } from './cli-schema.js';
import { addDefinition, type RawInvocation } from './commander.js';
import type { CommandDef, ResultCommand, RunContext } from './define.js';
import { describeThrown, OutputError, UsageError } from './errors.js';
import { checkWritable, type Io, processIo, writeWhole } from './io.js';
import { fromArgv } from './normalise.js';
import { render } from './output.js';
import { createProgress, NO_PROGRESS } from './progress.js';
import { commandLineOf, VERSION, withProvenance } from './provenance.js';
import { startTrace } from './trace.js';

export { VERSION };

export interface CliContext extends RunContext {
  /** Clears the progress display (the framework calls it when a command ends, however it ends). */
  done(): void;
}

export function contextFor(io: Io, progress = true, unit = 'runs'): CliContext {
  const bar = progress ? createProgress(io, unit) : NO_PROGRESS;
  return {
    progress: (done, total, label, what) => bar.update(done, total, label, what),
    warn: (line) => {
      bar.stop();
      io.stderr(`kmemsim: warning: ${line}\n`);
    },
    info: (line) => {
      bar.stop();
      io.stderr(`${line}\n`);
    },
    tty: io.stderrIsTTY && progress,
    out: (text) => io.stdout(text),
    interruptible(message) {
      const on = (signal: NodeJS.Signals) => {
        bar.stop();
        io.stderr(`\nkmemsim: interrupted (${signal}): ${message()}\n`);
        process.exit(signal === 'SIGINT' ? 130 : 143);
      };
      process.once('SIGINT', on);
      process.once('SIGTERM', on);
      return () => {
        process.removeListener('SIGINT', on);
        process.removeListener('SIGTERM', on);
      };
    },
    done: () => bar.stop(),
  };
}

/** Runs a result command from parsed command-line values: trace, run, render, write. Returns the exit code. */
async function runResult(def: ResultCommand, raw: RawInvocation, io: Io, argv: readonly string[]): Promise<number> {
  const all = fromArgv(cliSchema(def), raw) as Record<string, unknown>;
  const options = Object.fromEntries(Object.keys(def.options).map((k) => [k, all[k]]));
  const { format, out, trace, traceLimit } = Object.fromEntries(
    Object.keys(outputOptions(def)).map((k) => [k, all[k]]),
  ) as Record<string, unknown>;
  if (typeof out === 'string') checkWritable(out, '--out');
  if (typeof trace === 'string') checkWritable(trace, '--trace');
  const ctx = contextFor(io);
  const rec = typeof trace === 'string' ? await startTrace(def.name, trace, traceLimit as number, ctx.warn) : undefined;
  let doc: ResultDocument;
  try {
    doc = withProvenance(withArchSource(await def.run(options as never, ctx)), options, commandLineOf(argv));
  } finally {
    ctx.done();
    rec?.stop();
  }
  await rec?.write();
  const text = await render(doc, format as never, def);
  if (typeof out === 'string') writeWhole(out, text, '--out');
  else await io.stdout(text);
  return def.exitCode?.(doc) ?? 0;
}

/** The commander program of every command, writing through `io`; `onExit` receives the exit code. */
export function buildProgram(io: Io, onExit: (code: number) => void, argv: readonly string[] = []): Command {
  const program = new Command('kmemsim')
    .description(
      'Deterministic emulators of Linux memory-management mechanisms (highmem kmap, vmalloc, rmap, /proc/vmcore) ' +
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
    if (def.kind === 'result') onExit(await runResult(def, raw, io, argv));
    else {
      const ctx = contextFor(io, true, def.name === 'sweep' ? 'points' : 'runs');
      try {
        onExit((await def.run(fromArgv(def.options, raw), ctx)) ?? 0);
      } finally {
        ctx.done();
      }
    }
  };
  for (const def of COMMANDS) addDefinition(program, def, action, GROUPS);
  return program;
}

/** Runs the CLI; returns the exit code (0 ok, 1 failure while running, 2 bad usage). */
export async function main(argv: readonly string[], io: Io = processIo()): Promise<number> {
  let code = 0;
  let pending = '';
  const program = buildProgram(
    io,
    (c) => {
      code = c;
    },
    argv,
  );
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
