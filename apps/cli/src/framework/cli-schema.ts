// The options the framework adds to a result command on the command line: --format, --out, --trace,
// --trace-limit. They shape the output, so run() never sees them and sweep and calibration entries may not set them.
import { DEFAULT_FORMATS, type ResultCommand } from './define.js';
import { choice, int, type OptionSchema, text } from './options.js';

/**
 * TraceRecorder keeps ~30 bytes an event, finished runs cut to their share as new ones start (at most about
 * three budgets held), and streams the JSON out: 4 M stays under ~400 MiB.
 */
export const MAX_TRACE_EVENTS = 4_000_000;

/** The default budget: a vmap-bench of 6 runs × 2,000 iterations kept in full is ~1.4 M events, ~9 MB gzipped. */
export const DEFAULT_TRACE_EVENTS = 1_000_000;

export function outputOptions(def: ResultCommand) {
  const formats = def.formats ?? DEFAULT_FORMATS;
  return {
    format: choice(formats, { description: 'output format', default: 'table', placeholder: '<fmt>' }),
    ...(def.outOption === false
      ? {}
      : { out: text({ description: 'write the output to a file instead of stdout', placeholder: '<file>' }) }),
    ...(def.trace
      ? {
          trace: text({
            description: 'write a Chrome trace-event timeline (Perfetto: ui.perfetto.dev) of every run',
            placeholder: '<file>',
          }),
          traceLimit: int({
            description:
              'at most this many trace events, shared by the runs (each keeps the first part of its timeline); ' +
              'a warning says what was dropped',
            min: 1,
            max: MAX_TRACE_EVENTS,
            default: DEFAULT_TRACE_EVENTS,
          }),
        }
      : {}),
  } as OptionSchema;
}

/** Every option a command takes on the command line. */
export function cliSchema(def: ResultCommand | { kind: 'action'; options: OptionSchema }): OptionSchema {
  return def.kind === 'result' ? { ...def.options, ...outputOptions(def) } : def.options;
}
