// Effective costs of a machine: the arch's bare-metal costs with its virtualization mode's traps added. The
// per-operation mechanism (which write exits, resyncs, kicks) is virt-ops.ts; these are the flat per-operation
// figures other packages charge in bulk.
import type { ArchProfile, VirtModeName, VirtOverride } from './schema.js';
import { mechanismOf } from './virt-ops.js';

/**
 * The costs a machine charges after applying its virt mode: each is the bare-metal cost plus, when the operation
 * exits, the VM exit and the host's handling (cycles).
 */
export interface EffectiveCosts {
  /** invlpg (single-address local flush), including the VM exit under shadow paging. */
  invlpgCycles: number;
  /** Local full flush (CR3 write). */
  localFlushCycles: number;
  /** Each CPU's part of a global flush (CR4.PGE toggle / ptc.e loop), bare. */
  globalFlushPerCpuCycles: number;
  /** Sending one IPI (ICR write), bare. */
  ipiSendCycles: number;
  /** Interrupt entry/exit on a target, bare. */
  ipiHandlerEntryCycles: number;
  /** One kernel PTE write (set_pte), plus the exit and its handling where the virt mode traps PTE writes. */
  pteSetCycles: number;
  /** One kernel PTE clear (pte_clear), plus the exit and its handling where the virt mode traps PTE writes. */
  pteClearCycles: number;
  /** A TLB miss's page walk: the virt mode's own value where it sets one (a 2-D walk under EPT/NPT), else the arch's. */
  tlbMissCycles: number;
  /** One VM exit round trip (0 on bare metal). */
  vmExitCycles: number;
  /** Guest cycles a kernel function pays to refill the TLB and caches after an exit that flushed them. */
  refillCyclesPerCall: number;
}

/** Thrown for a virt mode the arch does not offer. */
export class VirtModeError extends Error {
  override name = 'VirtModeError';
}

/** The arch's settings for a virt mode (null for `none`); throws VirtModeError when the arch does not offer it. */
export function virtOverride(arch: ArchProfile, virt: VirtModeName): VirtOverride | null {
  if (virt === 'none') return null;
  const o = arch.virt[virt];
  if (!o) {
    const have = ['none', ...Object.keys(arch.virt)].join(', ');
    throw new VirtModeError(`arch ${arch.name} has no virt mode ${virt} (has: ${have})`);
  }
  return o;
}

/** The costs of an arch under a virt mode (see {@link EffectiveCosts}). */
export function effectiveCosts(arch: ArchProfile, v: VirtOverride | null): EffectiveCosts {
  const c = arch.costs;
  const trap = (on: boolean, handling: number) => (v && on ? v.vmExitCycles + handling : 0);
  return {
    invlpgCycles: c.invlpgCycles + (v ? trap(v.exits.invlpg, v.handlingCycles.invlpg) : 0),
    localFlushCycles: c.localFlushCycles + (v ? trap(v.exits.cr3Write, v.handlingCycles.cr3Write) : 0),
    globalFlushPerCpuCycles: c.globalFlushPerCpuCycles,
    ipiSendCycles: arch.ipi.sendCycles,
    ipiHandlerEntryCycles: arch.ipi.handlerEntryCycles,
    pteSetCycles: c.pteSetCycles + (v ? trap(v.exits.pteWrite, v.handlingCycles.pteWrite) : 0),
    pteClearCycles: c.pteClearCycles + (v ? trap(v.exits.pteWrite, v.handlingCycles.pteWrite) : 0),
    tlbMissCycles: v?.tlbMissCycles ?? c.tlbMissCycles,
    vmExitCycles: v ? v.vmExitCycles : 0,
    refillCyclesPerCall: v ? mechanismOf(v, arch.maxCpus).refillCyclesPerCall : 0,
  };
}
