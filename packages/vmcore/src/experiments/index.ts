// The experiment profiles of this package by name (docs/fidelity.md): `--experiment <name>` applies one.
import { SEED001 } from './seed001.js';

export { SEED001 };
/** Experiment profiles by name (`vmcore-dump --experiment`; docs/fidelity.md). */
export const EXPERIMENTS = { seed001: SEED001 } as const;
/** A key of {@link EXPERIMENTS}. */
export type ExperimentName = keyof typeof EXPERIMENTS;
