// What a kmemsim command is: one definition — name, summary, examples, its options as a schema (options.ts) and a
// typed run(). The framework derives commander (flags, --help), validates sweep and calibration entries against
// the same schema, and runs commands in-process by calling run() with typed values: no argv round trip.
import type { ResultDocument } from '@kmemsim/core';
import type { OptionSchema, Values } from './options.js';

/** Output formats a command may offer with `--format`. */
export type Format = 'table' | 'json' | 'csv' | 'svg' | 'folded' | 'md' | 'html';

/** What a command's run() may use besides its options: progress, warnings, stdout. */
export interface RunContext {
  /** Progress (stderr on a TTY; silent otherwise and inside sweep/reproduce); `unit`: what is counted (default runs). */
  progress(done: number, total: number, label: string, unit?: string): void;
  /** One line on stderr, prefixed "kmemsim: warning: ". */
  warn(line: string): void;
  /** One line on stderr as is (a summary of what was done). */
  info(line: string): void;
  /** stderr is a terminal (progress bars). */
  tty: boolean;
  /** Writes to stdout; rejects with OutputError when stdout is closed or full. */
  out(text: string): Promise<void>;
  /**
   * While the returned function is not called, SIGINT and SIGTERM clear the progress display, print
   * "kmemsim: interrupted: <message()>" and exit 130 (SIGINT) or 143 (SIGTERM). For work that saves as it goes
   * (sweep): the message says what was kept and how to resume. Optional: contexts without a terminal omit it.
   */
  interruptible?(message: () => string): () => void;
}

interface Common<S extends OptionSchema> {
  /** `checkpoint`, or `arch list` for a subcommand. */
  name: string;
  summary: string;
  /** Full command lines shown under "Examples" in --help. */
  examples: readonly string[];
  options: S;
  /** Extra text at the end of --help. */
  helpAfter?: string;
}

/** A command whose run() returns the one result document; the framework renders it in the chosen format. */
export interface ResultCommand<S extends OptionSchema = OptionSchema> extends Common<S> {
  /** Discriminant: the framework renders what run() returns. */
  kind: 'result';
  /** Formats offered by --format (default: table, json, csv, svg). */
  formats?: readonly Format[];
  /** Runs simulated machines: the framework adds --trace and --trace-limit. */
  trace: boolean;
  /** `sweep` may run it (a simulation that writes nothing but its result). */
  sweepable: boolean;
  /** The framework adds --out FILE for the rendered output (vmcore-image uses --out for its image instead). */
  outOption?: boolean;
  /** Runs the command with its typed option values; returns the result document (what `--format json` prints). */
  run(options: Values<S>, ctx: RunContext): Promise<ResultDocument>;
  /** Human table for --format table (default: the generic runs table). */
  renderTable?(doc: ResultDocument): string;
  /** Any other format this command renders itself; undefined falls back to the defaults. */
  renderFormat?(doc: ResultDocument, format: Format): string | undefined | Promise<string | undefined>;
  /** Exit code after a successful run (reproduce: 1 when a calibrated figure is out of tolerance). */
  exitCode?(doc: ResultDocument): number;
}

/** A command that does its own output (arch list, sweep, merge, report); run() returns the exit code. */
export interface ActionCommand<S extends OptionSchema = OptionSchema> extends Common<S> {
  /** Discriminant: run() writes its own output. */
  kind: 'action';
  /** Runs the command with its typed option values; resolves to the exit code (undefined: 0). */
  run(options: Values<S>, ctx: RunContext): Promise<number | undefined>;
}

/** Any command definition (result or action). */
export type CommandDef = ResultCommand<OptionSchema> | ActionCommand<OptionSchema>;

/** Identity helpers for type inference: run() gets the typed values of exactly these options. */
export function defineCommand<S extends OptionSchema>(def: ResultCommand<S>): ResultCommand<S> {
  return def;
}
/** Identity helper for type inference: an action command whose run() gets the typed values of exactly its options. */
export function defineAction<S extends OptionSchema>(def: ActionCommand<S>): ActionCommand<S> {
  return def;
}

export const DEFAULT_FORMATS: readonly Format[] = ['table', 'json', 'csv', 'svg', 'folded'];
