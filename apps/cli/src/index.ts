// Programmatic entry: run kmemsim commands in-process (used by sweep, reproduce and tests).
export { type CommandModule, type ExecContext, type Format, machineChoice } from './framework/command.js';
export { UsageError } from './framework/errors.js';
export { buildProgram, main } from './framework/program.js';
