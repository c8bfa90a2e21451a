// What a Machine is built from: its options (arch, virt mode, CPUs, era switches, fitted virt costs), the error
// for a machine the arch cannot be, and the profile symbols it charges its own work to.
import type { SymbolId, TickOptions } from '@kmemsim/core';
import type { KvmVersion } from './kvm-era.js';
import type { ArchProfile, VirtModeName, VirtOverride } from './schema.js';
import { mechanismOf } from './virt-ops.js';

/** Options of a {@link Machine}: the arch plugin, the virt mode, CPUs and the era switches. */
export interface MachineOptions {
  /** The arch plugin's profile (`x86_64` from `@kmemsim/arch-x86_64`, or your own `defineArch(...)`). */
  arch: ArchProfile;
  /** Virtualization mode, one the arch offers (default `none`: bare metal). */
  virt?: VirtModeName;
  /** Default: the arch's defaultCpus. */
  cpus?: number;
  /** Seed of the engine's random stream (default 1). */
  seed?: number;
  /** i386: PAE changes LAST_PKMAP (512 instead of 1024) and the PTE size. */
  pae?: boolean;
  /** Override the arch's clock rate. */
  clockHz?: number;
  /** Host KVM version whose shadow-paging code runs (kvm-shadow). Default: 2.6.29. */
  kvm?: KvmVersion;
  /** Overrides of the virt mode's costs (an experiment's fitted values): merged over the arch's. */
  virtCosts?: Partial<VirtOverride['mechanism'] & { vmExitCycles: number }>;
  /** A per-CPU timer tick on the engine (EngineOptions.tick); default none. */
  tick?: TickOptions;
}

/** Thrown for a machine the arch cannot be (CPUs out of range, PAE on an arch without it, …). */
export class MachineError extends Error {
  override name = 'MachineError';
}

/** Profile symbols the machine charges its own work to (from the arch's `symbols` section). */
export interface MachineSymbols {
  /** Where spinlock acquire cycles go (`_spin_lock`, `_raw_spin_lock`, … per the arch's era). */
  spinlock: string;
  /** Where rwlock read-acquire cycles go. */
  readLock: string;
  /** Where rwlock write-acquire cycles go. */
  writeLock: string;
  /** The IPI send function (`smp_call_function`, `smp_call_function_many`, …). */
  ipiSend: SymbolId;
  /** The per-target send function under `ipiSend` where the arch sends one IPI per CPU (ia64 `sn_send_IPI_phys`). */
  ipiSendPerTarget: SymbolId | undefined;
  /** The flush handler a remote CPU runs (`flush_tlb_all_ipi`, `do_flush_tlb_all`, …). */
  flushHandler: SymbolId;
  /** The global flush entry point (`flush_tlb_all`, `flush_tlb_kernel_range`, …). */
  globalFlush: SymbolId;
  /** Page walks after a TLB miss (`tlb_miss_walk`: hardware work, no kernel function). */
  tlbMiss: SymbolId;
}

/** The arch's virt override with an experiment's cost overrides merged in (`virtCosts`). */
export function withVirtCosts(
  o: VirtOverride | null,
  costs: MachineOptions['virtCosts'],
  maxCpus: number,
): VirtOverride | null {
  if (!o || !costs) return o;
  const { vmExitCycles, ...mech } = costs;
  return {
    ...o,
    vmExitCycles: vmExitCycles ?? o.vmExitCycles,
    mechanism: { ...mechanismOf(o, maxCpus), ...mech },
  };
}
