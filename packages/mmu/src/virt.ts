// Effective costs of a machine: the arch's bare-metal costs with its virtualization mode's traps added.
import type { ArchProfile, VirtModeName, VirtOverride } from './schema.js';

export interface EffectiveCosts {
  /** invlpg (single-address local flush), including the VM exit under shadow paging. */
  invlpgCycles: number;
  /** Local full flush (CR3 write). */
  localFlushCycles: number;
  /** Each CPU's part of a global flush (CR4.PGE toggle / ptc.e loop). */
  globalFlushPerCpuCycles: number;
  /** Sending one IPI (ICR write). */
  ipiSendCycles: number;
  /** Interrupt entry/exit on a target, including an EOI exit when virtualized. */
  ipiHandlerEntryCycles: number;
  pteSetCycles: number;
  pteClearCycles: number;
  tlbMissCycles: number;
  /** One VM exit round trip (0 on bare metal). */
  vmExitCycles: number;
}

export class VirtModeError extends Error {
  override name = 'VirtModeError';
}

export function virtOverride(arch: ArchProfile, virt: VirtModeName): VirtOverride | null {
  if (virt === 'none') return null;
  const o = arch.virt[virt];
  if (!o) {
    const have = ['none', ...Object.keys(arch.virt)].join(', ');
    throw new VirtModeError(`arch ${arch.name} has no virt mode ${virt} (has: ${have})`);
  }
  return o;
}

export function effectiveCosts(arch: ArchProfile, v: VirtOverride | null): EffectiveCosts {
  const c = arch.costs;
  const trap = (on: boolean, handling: number) => (v && on ? v.vmExitCycles + handling : 0);
  return {
    invlpgCycles: c.invlpgCycles + (v ? trap(v.exits.invlpg, v.handlingCycles.invlpg) : 0),
    localFlushCycles: c.localFlushCycles + (v ? trap(v.exits.cr3Write, v.handlingCycles.cr3Write) : 0),
    globalFlushPerCpuCycles: c.globalFlushPerCpuCycles + (v ? trap(v.exits.cr4Write, v.handlingCycles.cr4Write) : 0),
    ipiSendCycles: arch.ipi.sendCycles + (v ? trap(v.exits.ipiSend, v.handlingCycles.ipiSend) : 0),
    ipiHandlerEntryCycles: arch.ipi.handlerEntryCycles + (v?.exits.ipiSend ? v.vmExitCycles : 0),
    pteSetCycles: c.pteSetCycles + (v ? trap(v.exits.pteWrite, v.handlingCycles.pteWrite) : 0),
    pteClearCycles: c.pteClearCycles + (v ? trap(v.exits.pteWrite, v.handlingCycles.pteWrite) : 0),
    tlbMissCycles: v?.tlbMissCycles ?? c.tlbMissCycles,
    vmExitCycles: v ? v.vmExitCycles : 0,
  };
}
