// --trace FILE: a Chrome trace-event timeline of every engine a command runs (one process per run).
import { writeWhole } from './io.js';

export async function startTrace(command: string, file: string, maxEvents: number) {
  const { TraceRecorder, observeEngines } = await import('@kmemsim/core');
  const rec = new TraceRecorder({ maxEvents });
  let runs = 0;
  observeEngines((e) => rec.attach(e, `${command} run ${++runs}`));
  return {
    stop: () => observeEngines(undefined),
    write: () => writeWhole(file, JSON.stringify(rec.toJSON()), '--trace'),
  };
}
