// The errors a simulation throws: a deadlock (every remaining thread blocked) and a model used against its rules.

/** Thrown by {@link Engine.run} when every remaining thread is blocked; the message names what each one waits for. */
export class DeadlockError extends Error {
  override name = 'DeadlockError';
}

/**
 * Thrown when a model is used against its rules (unlocking a lock the thread does not hold, two live threads on
 * one CPU, …): a bug in the workload or mechanism, not in the input.
 */
export class SimulationError extends Error {
  override name = 'SimulationError';
}
