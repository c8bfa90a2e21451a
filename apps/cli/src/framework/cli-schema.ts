// The options the framework adds to a result command on the command line: --format, --out, --trace,
// --trace-limit. They shape the output, so run() never sees them and sweep and calibration entries may not set them.
import { DEFAULT_FORMATS, type ResultCommand } from './define.js';
import { choice, int, type OptionSchema, text } from './options.js';

/** TraceRecorder keeps every event until the end (~150 bytes each, plus the JSON text): 1 M stays under 1 GiB. */
export const MAX_TRACE_EVENTS = 1_000_000;

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
            description: 'at most this many trace events; the rest are counted as dropped',
            min: 1,
            max: MAX_TRACE_EVENTS,
            default: 200_000,
          }),
        }
      : {}),
  } as OptionSchema;
}

/** Every option a command takes on the command line. */
export function cliSchema(def: ResultCommand | { kind: 'action'; options: OptionSchema }): OptionSchema {
  return def.kind === 'result' ? { ...def.options, ...outputOptions(def) } : def.options;
}
