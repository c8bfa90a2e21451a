// Runs a kmemsim command line in-process and returns its result document (no printing).
import type { ResultDocument } from '@kmemsim/core';
import { UsageError } from './errors.js';
import { buildProgram } from './program.js';

export async function executeArgv(argv: readonly string[]): Promise<ResultDocument> {
  let doc: ResultDocument | undefined;
  const program = buildProgram({ onResult: (d) => (doc = d) });
  await program.parseAsync([...argv], { from: 'user' });
  if (!doc) throw new UsageError(`"${argv.join(' ')}" is not a simulation command that produces results`);
  return doc;
}
