// Builds the commander program from the command modules. Kept free of simulation imports so that
// `kmemsim --help` stays fast; commands load their packages inside execute().

import { writeFileSync } from 'node:fs';
import type { ResultDocument } from '@kmemsim/core';
import { Command, CommanderError, Option } from 'commander';
import { registerArch } from '../commands/arch.js';
import { COMMANDS } from '../commands/index.js';
import { registerReport } from '../commands/report.js';
import { registerSweep } from '../commands/sweep.js';
import { TOOL_COMMANDS } from '../commands/tools.js';
import type { CommandModule, Format } from './command.js';
import { UsageError } from './errors.js';
import { emit, render, ttyProgress } from './output.js';
import { parseChoice, parseIntIn } from './parse.js';

export const VERSION = '0.1.0';

/** Set by a command that ran but must report failure (exit 1), e.g. reproduce out of tolerance. */
let exitAfterRun = 0;

const DEFAULT_FORMATS: Format[] = ['table', 'json', 'csv', 'svg'];

export interface ProgramOptions {
  /** Receives each command's result document instead of printing it (in-process runs: reproduce, sweep). */
  onResult?: (doc: ResultDocument, mod: CommandModule) => void;
}

export function buildProgram(po: ProgramOptions = {}): Command {
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
  registerArch(program);
  for (const mod of [...COMMANDS, ...TOOL_COMMANDS]) addCommand(program, mod, po);
  registerSweep(program, (name) => {
    const cmd = COMMANDS.some((c) => c.name === name) ? program.commands.find((c) => c.name() === name) : undefined;
    return cmd?.options.map((o) => (o.long ?? '').replace(/^--/, ''));
  });
  registerReport(program);
  return program;
}

export function addCommand(program: Command, mod: CommandModule, po: ProgramOptions = {}): Command {
  const cmd = program
    .command(mod.name)
    .description(mod.summary)
    .configureOutput({ outputError: () => {} })
    .exitOverride();
  const machine = mod.common?.machine ?? true;
  const formats = mod.common?.formats ?? DEFAULT_FORMATS;
  if (machine) {
    cmd.option(
      '--arch <name|path>',
      `architecture: a built-in name or a plugin file (default: ${mod.defaultArch ?? 'x86_64'})`,
    );
    cmd.option('--virt <mode>', 'virtualization: none, kvm-shadow, kvm-ept, xen-pv (default: none)');
    cmd.option('--cpus <n>', "simulated CPUs (default: the arch's defaultCpus)");
    cmd.option('--seed <n>', 'random seed; same seed ⇒ same bytes (default: 1)');
  }
  mod.options(cmd);
  cmd.addOption(new Option('--format <fmt>', `output format: ${formats.join(', ')}`).default('table'));
  cmd.option('--out <file>', 'write the output to a file instead of stdout');
  if (machine) {
    cmd.option('--trace <file>', 'write a Chrome trace-event timeline (Perfetto: ui.perfetto.dev) of every run');
    cmd.option('--trace-limit <n>', 'at most this many trace events (default: 200000)');
  }
  cmd.addHelpText('after', `\nExamples:\n${mod.examples.map((e) => `  ${e}`).join('\n')}`);
  cmd.action(async (opts: Record<string, unknown>) => {
    const format = parseChoice(String(opts.format), '--format', formats);
    const trace = opts.trace === undefined ? undefined : await startTrace(mod.name, opts);
    let doc: ResultDocument;
    try {
      doc = await mod.execute(opts, { progress: po.onResult ? () => {} : ttyProgress() });
    } finally {
      trace?.stop();
    }
    trace?.write();
    if (po.onResult) po.onResult(doc, mod);
    else {
      emit(await render(doc, format, mod), opts.out as string | undefined);
      exitAfterRun = mod.exitCode?.(doc) ?? 0;
    }
  });
  return cmd;
}

async function startTrace(command: string, opts: Record<string, unknown>) {
  const file = String(opts.trace);
  const maxEvents = opts.traceLimit === undefined ? 200_000 : parseIntIn(String(opts.traceLimit), '--trace-limit', 1);
  const { TraceRecorder, observeEngines } = await import('@kmemsim/core');
  const rec = new TraceRecorder({ maxEvents });
  let runs = 0;
  observeEngines((e) => rec.attach(e, `${command} run ${++runs}`));
  return {
    stop: () => observeEngines(undefined),
    write: () => {
      try {
        writeFileSync(file, JSON.stringify(rec.toJSON()));
      } catch (err) {
        throw new UsageError(
          `--trace: cannot write ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
        );
      }
    },
  };
}

/** Runs the CLI; returns the exit code (0 ok, 1 failure while running, 2 bad usage). */
export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  exitAfterRun = 0;
  try {
    await program.parseAsync(argv, { from: 'user' });
    return exitAfterRun;
  } catch (err) {
    return reportError(err);
  }
}

export function reportError(err: unknown): number {
  if (err instanceof CommanderError) {
    if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help')
      return 0;
    process.stderr.write(`kmemsim: ${err.message.replace(/^error: /, '').split('\n')[0]}\n`);
    return 2;
  }
  if (err instanceof UsageError || (err as Error)?.name === 'UsageError') {
    process.stderr.write(`kmemsim: ${(err as Error).message}\n`);
    return 2;
  }
  const e = err as Error;
  process.stderr.write(`kmemsim: error: ${e?.name ?? 'Error'}: ${String(e?.message ?? e).split('\n')[0]}\n`);
  if (process.env.KMEMSIM_DEBUG) process.stderr.write(`${e?.stack ?? ''}\n`);
  return 1;
}
