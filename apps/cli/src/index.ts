// Programmatic entry: kmemsim's commands in-process, with typed options (the same schema as the command line).
export { COMMANDS } from './commands/registry.js';
export {
  type CheckpointMetrics,
  CheckpointMetricsSchema,
  type CheckpointRun,
  parseTypedDocument,
  type RmapForkMetrics,
  RmapForkMetricsSchema,
  type RmapForkRun,
  TEST_VMALLOC_CASES,
  type TestVmallocCase,
  type TestVmallocMetrics,
  TestVmallocMetricsSchema,
  type TestVmallocRun,
  type TypedCommand,
  type TypedDocument,
  type TypedRuns,
  typedRun,
} from './commands/typed-runs.js';
export {
  type ActionCommand,
  type CommandDef,
  defineAction,
  defineCommand,
  type Format,
  type ResultCommand,
  type RunContext,
} from './framework/define.js';
export { OutputError, UsageError } from './framework/errors.js';
export { findCommand, parseCommandLine, runCommand, runCommandLine } from './framework/invoke.js';
export type { Io } from './framework/io.js';
export { machineOptions, resolveMachine } from './framework/machine.js';
export {
  allOf,
  bool,
  choice,
  custom,
  int,
  num,
  type Option,
  type OptionSchema,
  size,
  text,
  type Values,
} from './framework/options.js';
export { buildProgram, main } from './framework/program.js';
