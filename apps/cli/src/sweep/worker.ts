// A sweep worker (tinypool): runs one point in-process through the typed command. Errors come back as data so
// the main thread can tell bad input (exit 2) from a failure while running (exit 1).
import { describeThrown } from '../framework/errors.js';
import { runCommand } from '../framework/invoke.js';

export interface PointTask {
  command: string;
  options: Record<string, unknown>;
}

export default async function runPoint(task: PointTask) {
  try {
    return { doc: await runCommand(task.command, task.options) };
  } catch (err) {
    return { error: describeThrown(err) };
  }
}
