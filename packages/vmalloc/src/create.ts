// createVmap(machine, { impl }): the one entry point for every design.
import type { Machine } from '@kmemsim/mmu';
import { LazyVmap } from './lazy.js';
import { LegacyVmap } from './legacy.js';
import { MECHANISM, type MechanismParams } from './params.js';
import { IMPLS, type ImplName, type Vmap, VmapError, type VmapFaults } from './types.js';

export interface VmapOptions {
  impl: ImplName;
  /** Override mechanism costs (defaults: MECHANISM). */
  params?: Partial<MechanismParams>;
  /** Testing only: deliberately broken behaviour. */
  faults?: VmapFaults;
}

export function mechanismParams(over: Partial<MechanismParams> = {}): MechanismParams {
  const { sources: _s, ...base } = MECHANISM;
  return { ...base, ...over };
}

/** A vmap allocator of the chosen design on `machine`. */
export function createVmap(machine: Machine, o: VmapOptions): Vmap & (LegacyVmap | LazyVmap) {
  const p = mechanismParams(o.params);
  switch (o.impl) {
    case 'legacy':
      return new LegacyVmap(machine, p, o.faults);
    case 'lazy':
    case 'percpu':
    case 'rb2019':
    case 'pools2024':
      return new LazyVmap(machine, p, o.impl, o.faults);
    default:
      throw new VmapError(`unknown vmap impl '${String(o.impl)}', expected one of ${IMPLS.join(', ')}`);
  }
}
