// Runs the CLI in-process (no build needed) and captures what it writes: fast checks of a command's output.
import type { Io } from '../framework/io.js';
import { main } from '../framework/program.js';

export interface Captured {
  code: number;
  out: string;
  err: string;
}

/** An Io that keeps what is written; `failStdout` makes every stdout write fail like /dev/full. */
export function captureIo(opts: { failStdout?: string } = {}): Io & { outText(): string; errText(): string } {
  let out = '';
  let err = '';
  return {
    stdout: async (s) => {
      if (opts.failStdout) {
        const { OutputError } = await import('../framework/errors.js');
        throw new OutputError(`cannot write to stdout: ${opts.failStdout}`);
      }
      out += s;
    },
    stderr: (s) => {
      err += s;
    },
    stderrIsTTY: false,
    outText: () => out,
    errText: () => err,
  };
}

export async function cli(args: string[], opts: { failStdout?: string } = {}): Promise<Captured> {
  const io = captureIo(opts);
  const code = await main(args, io);
  return { code, out: io.outText(), err: io.errText() };
}
