// A sweep worker (tinypool): runs one command line in-process. Errors come back as data so the main thread
// can tell bad input (exit 2) from a failure while running (exit 1).
import { executeArgv } from '../framework/execute.js';

export default async function runPoint(argv: string[]) {
  try {
    return { doc: await executeArgv(argv) };
  } catch (err) {
    const e = err as Error;
    return { error: { name: e?.name ?? 'Error', message: String(e?.message ?? e) } };
  }
}
