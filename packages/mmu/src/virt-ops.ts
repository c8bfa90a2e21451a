// What a guest's MMU operations cost under each virtualization mode: the mechanism, once, for every arch. An arch
// supplies the costs (virt.<mode>.mechanism); this module decides which operation exits, how often, and what
// the host does then. kvm-shadow follows arch/x86/kvm of the chosen version (kvm-era.ts); kvm-ept traps only
// APIC accesses and port I/O; xen-pv turns page-table writes, invlpg and flushes into hypercalls.
import { type KvmRules, kvmRules } from './kvm-era.js';
import type { VirtMechanismCosts, VirtModeName, VirtOverride } from './schema.js';

/** Kinds of guest exits counted as `vm_exit.<kind>`. */
export type ExitKind = 'invlpg' | 'pf' | 'pt_write' | 'cr3' | 'cr4' | 'apic' | 'pio' | 'hypercall';

/** Every exit kind with the description of its `vm_exit.<kind>` counter. */
export const EXIT_KINDS: Record<ExitKind, string> = {
  invlpg: 'guest invlpg exits (kvm_mmu_invlpg)',
  pf: 'page-fault exits on trapping or write-protected shadow PTEs',
  pt_write: 'emulated writes to write-protected guest page tables (kvm_mmu_pte_write)',
  cr3: 'CR3 write exits (root reload, resync of unsync shadow pages)',
  cr4: 'CR4 write exits (PGE toggles of a global flush)',
  apic: 'xAPIC access exits (ICR/ICR2 writes, ICR polls, EOI)',
  pio: 'port I/O exits handled in user space',
  hypercall: 'hypercalls (Xen PV mmu_update, mmuext_op, event channels)',
};

/** A guest page-table page the workload writes (the pkmap table, the kmap_atomic fixmap table …). */
export class GuestPageTable {
  /** KVM holds a shadow page for it (built at the first access through it); only then are writes trapped. */
  shadowed = false;
  /** Out of sync: writes do not exit until the next resync. */
  unsync = false;
  /** Present sptes (translations KVM installed and has not zapped); may run past `entries` in bulk charges. */
  present = 0;
  /** Present guest PTEs. */
  guestPresent = 0;
  /** ≤ 2.6.27: sptes installed by emulated writes and not yet used (the next access needs no fault). */
  prefilled = 0;
  /** ≤ 2.6.27: consecutive emulated writes since the last access (write-flood detection). */
  floodWrites = 0;
  /** Shadow pages of this table zapped by a resync that found no spte left present (kvm_sync_page). */
  zaps = 0;
  /**
   * The shadow page was zapped while the table's gfn was write-protected: kvm_mmu_zap_page does not give write
   * access back to the sptes that map the gfn (the guest kernel's direct map), so the next guest write still takes
   * one #PF exit, after which set_spte finds no shadow page for the gfn (mmu_need_write_protect) and makes it
   * writable. Until then rmap_write_protect has nothing to protect (no remote flush at the next build).
   */
  wpAfterZap = false;
  constructor(
    readonly name: string,
    readonly entries: number,
  ) {}
}

/** Mechanism costs when a profile gives only the older vmExitCycles/handlingCycles fields. */
export function mechanismOf(o: VirtOverride, maxCpus: number): VirtMechanismCosts {
  if (o.mechanism) return o.mechanism;
  const h = o.handlingCycles;
  return {
    pageFaultHandlingCycles: h.pteWrite,
    ptWriteEmulationCycles: h.pteWrite,
    unsyncCycles: 0,
    syncCyclesPerSpte: 0,
    rootReloadCycles: 0,
    apicAccessCycles: h.ipiSend,
    kickCycles: 0,
    kickCallCycles: 0,
    remoteFlushCycles: 0,
    pioCycles: 0,
    refillCyclesPerCall: 0,
    maxVcpus: maxCpus,
  };
}

/** ≤ 2.6.27 write-flood rule (kvm_mmu_pte_write): this many writes without an access zap the shadow page. */
const FLOOD_WRITES = 3;

/**
 * The virt mechanism of a machine: decides which guest operations exit under its mode and KVM version and charges
 * the exits (`machine.vops`).
 */
export class VirtOps {
  /** The KVM version's rules (oos_shadow, write-flood zapping, …) that decide which guest operations exit. */
  readonly kvm: KvmRules;
  /** The virt mode's mechanism costs, cycles (handling per exit kind, remote flushes, port I/O, refills). */
  readonly m: VirtMechanismCosts;
  /** One exit round trip (0 on bare metal). */
  readonly rt: number;
  /**
   * Guest stores per PTE write: 2 for a 32-bit PAE guest, whose 8-byte PTEs native_set_pte writes high then low
   * half and native_pte_clear low then high (asm/pgtable-3level.h), each a 4-byte store that KVM ≤ 2.6.27
   * traps and emulates on its own (kvm_mmu_pte_write handles aligned 4-byte PAE writes). Set by the Machine.
   */
  storesPerPte = 1;

  constructor(
    readonly mode: VirtModeName,
    readonly o: VirtOverride | null,
    m: VirtMechanismCosts | null,
    readonly cpus: number,
    kvm: KvmRules | undefined,
    /** Counts exits by kind. */
    readonly count: (kind: ExitKind, n: number) => void,
  ) {
    this.kvm = kvm ?? kvmRules();
    this.m = m ?? mechanismOf({ handlingCycles: { pteWrite: 0, ipiSend: 0 } } as VirtOverride, cpus);
    this.rt = o?.vmExitCycles ?? 0;
  }

  /** The mode is KVM with shadow paging (`kvm-shadow`). */
  get shadow(): boolean {
    return this.mode === 'kvm-shadow';
  }

  /** The mode is one of KVM's (shadow paging or EPT/NPT). */
  get kvmAny(): boolean {
    return this.mode === 'kvm-shadow' || this.mode === 'kvm-ept';
  }

  /** Guest cycles per kernel function call to refill what an exit flushed (kvm-shadow on a CPU without VPID). */
  get refillPerCall(): number {
    return this.mode === 'none' ? 0 : this.m.refillCyclesPerCall;
  }

  private exit(kind: ExitKind, n: number, handling: number): number {
    if (n <= 0) return 0;
    this.count(kind, n);
    return n * (this.rt + handling);
  }

  /** `n` guest writes to a page-table page (set: a PTE made present; else cleared). Extra cycles beyond the store. */
  ptWrite(pt: GuestPageTable, n: number, set: boolean): number {
    pt.guestPresent = Math.max(0, Math.min(pt.entries, pt.guestPresent + (set ? n : -n)));
    if (n <= 0 || this.o === null) return 0;
    if (this.mode === 'xen-pv') return this.exit('hypercall', n, this.o.handlingCycles.pteWrite);
    if (!this.shadow) return 0;
    if (!pt.shadowed) return this.writeAfterZap(pt);
    if (this.kvm.unsync) {
      if (pt.unsync) return 0;
      // mmu_need_write_protect → kvm_unsync_page: one #PF exit, no emulation; later writes go straight through.
      pt.unsync = true;
      return this.exit('pf', 1, this.m.pageFaultHandlingCycles + this.m.unsyncCycles);
    }
    // ≤ 2.6.27: each store is emulated; kvm_mmu_pte_write installs the new spte at a PTE's last store. A flood of
    // stores without an access in between zaps the shadow page, after which writes no longer trap. (The first
    // store of a PAE PTE write counts towards the flood like any other: on PAE a set + clear of one slot is
    // four stores, so the next write to that table floods.)
    const stores = n * this.storesPerPte;
    const trapped = Math.min(stores, Math.max(0, FLOOD_WRITES - pt.floodWrites));
    pt.floodWrites += stores;
    if (set) pt.prefilled += Math.floor(trapped / this.storesPerPte);
    let cycles = this.exit('pt_write', trapped, this.m.ptWriteEmulationCycles);
    if (pt.floodWrites >= FLOOD_WRITES) {
      pt.shadowed = false;
      pt.present = 0;
      pt.prefilled = 0;
      pt.wpAfterZap = true;
      if (stores > trapped) cycles += this.writeAfterZap(pt); // the next store of this run
    }
    return cycles;
  }

  /** A guest write to a table whose shadow page was zapped: one #PF exit if its gfn is still write-protected. */
  private writeAfterZap(pt: GuestPageTable): number {
    if (!pt.wpAfterZap) return 0;
    pt.wpAfterZap = false;
    return this.exit('pf', 1, this.m.pageFaultHandlingCycles);
  }

  /**
   * rmap_write_protect of a table's gfn found a writable spte (the guest wrote the table since it was last
   * protected): kvm_flush_remote_tlbs (make_all_cpus_request, 2.6.2x: a host IPI to every other vCPU's pCPU).
   */
  private protectFlush(pt: GuestPageTable): number {
    return !pt.wpAfterZap && this.cpus > 1 ? this.m.remoteFlushCycles : 0;
  }

  /** `n` first accesses through mappings the guest just made in `pt`. Extra cycles beyond the TLB walk. */
  firstAccess(pt: GuestPageTable, n: number): number {
    if (n <= 0 || !this.shadow) return 0;
    pt.floodWrites = 0;
    let cycles = 0;
    if (!pt.shadowed) {
      // kvm_mmu_get_page builds the shadow page: FNAME(prefetch_page) reads the guest table 256 bytes at a time
      // and marks every spte trap/notrap non-present; the gfn is write-protected (rmap_write_protect, and a remote
      // flush if a writable spte mapped it).
      cycles += this.protectFlush(pt);
      pt.shadowed = true;
      pt.unsync = false;
      pt.wpAfterZap = false;
      pt.present = 0;
      cycles += pt.entries * (this.m.prefetchCyclesPerSpte ?? this.m.syncCyclesPerSpte);
    }
    const free = Math.min(n, pt.prefilled);
    pt.prefilled -= free;
    pt.present += n; // bulk callers alternate accesses and zaps: capped where it is read (resync)
    // A trapping spte (zapped by invlpg or a resync, or converted by kvm_unsync_page): #PF exit + FNAME(fetch).
    return cycles + this.exit('pf', n - free, this.m.pageFaultHandlingCycles);
  }

  /**
   * `n` guest invlpg of addresses mapped through `pt` (null: a page whose spte is present). `guestPresent`: the
   * guest PTE is present and accessed at the invlpg (≤ 2.6.18 kmap_atomic flushes after set_pte), so
   * FNAME(invlpg) re-reads it and kvm_mmu_pte_write re-installs the spte: the next access does not fault.
   */
  invlpg(pt: GuestPageTable | null, n: number, guestPresent = false): number {
    if (n <= 0 || this.o === null) return 0;
    if (this.mode === 'xen-pv') return this.exit('hypercall', n, this.o.handlingCycles.invlpg);
    if (!this.shadow) return 0;
    const zapped = pt ? Math.min(n, pt.present) : n;
    if (pt) pt.present -= zapped;
    const remote = this.kvm.invlpgRemoteFlush && this.cpus > 1 ? zapped * this.m.remoteFlushCycles : 0;
    let reinstall = 0;
    if (pt && guestPresent && pt.shadowed) {
      pt.prefilled += n;
      reinstall = n * this.m.syncCyclesPerSpte;
    }
    return this.exit('invlpg', n, this.o.handlingCycles.invlpg) + remote + reinstall;
  }

  /**
   * One CPU's part of a global flush (__flush_tlb_all on 2.6.25+: two CR4 writes toggling PGE) plus, for a CPU
   * in lazy TLB mode, leave_mm's CR3 write. Under kvm-shadow each CR write exits, resets the MMU context and
   * reloads the roots, which resyncs every unsync shadow page (`tables`, charged on the first write only).
   */
  globalFlushCpu(tables: readonly GuestPageTable[], lazy: boolean): number {
    if (this.o === null || this.mode === 'kvm-ept') return 0;
    if (this.mode === 'xen-pv') return this.exit('hypercall', 1, this.o.handlingCycles.cr4Write);
    const h = this.o.handlingCycles;
    let cycles = this.exit('cr4', 2, h.cr4Write + this.m.rootReloadCycles);
    cycles += this.resync(tables);
    if (this.kvm.pgeInRole) cycles += this.exit('pf', 1, this.m.pageFaultHandlingCycles);
    if (lazy) cycles += this.exit('cr3', 1, h.cr3Write + this.m.rootReloadCycles);
    return cycles;
  }

  /** A guest CR3 write (context switch to another mm): root reload and resync of unsync pages. */
  cr3Write(tables: readonly GuestPageTable[]): number {
    if (this.o === null || this.mode === 'kvm-ept') return 0;
    if (this.mode === 'xen-pv') return this.exit('hypercall', 1, this.o.handlingCycles.cr3Write);
    return this.exit('cr3', 1, this.o.handlingCycles.cr3Write + this.m.rootReloadCycles) + this.resync(tables);
  }

  /**
   * kvm_sync_page of each unsync table (2.6.28–2.6.31 arch/x86/kvm/mmu.c + paging_tmpl.h): FNAME(sync_page) re-reads
   * the guest PTE of every present spte and rmap_remove()s each one whose guest PTE is gone; when no spte is left
   * present (`return !nr_present`), kvm_sync_page zaps the shadow page (kvm_mmu_zap_page), so the next access
   * through the table builds a fresh one (FNAME(prefetch_page)) and the next write unsyncs it again.
   */
  private resync(tables: readonly GuestPageTable[]): number {
    let cycles = 0;
    for (const pt of tables) {
      if (!pt.unsync) continue;
      // kvm_sync_page: rmap_write_protect of the gfn, which kvm_unsync_page had left writable → a remote flush.
      cycles += this.protectFlush(pt);
      const present = Math.min(pt.present, pt.entries);
      const kept = Math.min(present, pt.guestPresent);
      cycles += present * this.m.syncCyclesPerSpte + (present - kept) * (this.m.rmapRemoveCycles ?? 0);
      pt.present = kept;
      pt.unsync = false;
      if (present > 0 && kept === 0) {
        pt.shadowed = false;
        pt.wpAfterZap = true;
        pt.zaps++;
      }
    }
    return cycles;
  }

  /**
   * Sending IPIs to `targets` CPUs: `sends` ICR writes of `accesses` APIC register accesses each; the ICR write's
   * exit kicks every target in turn (apic_send_ipi → kvm_vcpu_kick).
   */
  ipiSend(sends: number, accesses: number, targets: number): number {
    if (this.o === null || sends <= 0) return 0;
    if (this.mode === 'xen-pv') return this.exit('hypercall', sends, this.o.handlingCycles.ipiSend);
    return this.exit('apic', sends * accesses, this.m.apicAccessCycles) + targets * this.m.kickCallCycles;
  }

  /** An IPI's cost on its target: the EOI write, and the host's kick (wake a halted vCPU or IPI a running one). */
  ipiTarget(running: boolean): number {
    if (this.o === null || this.mode === 'xen-pv') return 0;
    return this.exit('apic', 1, this.m.apicAccessCycles) + (running ? this.m.remoteFlushCycles : this.m.kickCycles);
  }

  /** `n` port I/O instructions to an emulated device. */
  pio(n: number): number {
    if (this.o === null || n <= 0) return 0;
    return this.exit(this.mode === 'xen-pv' ? 'hypercall' : 'pio', n, this.m.pioCycles);
  }
}
