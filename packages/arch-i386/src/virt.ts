// i386 guest virtualization costs on a 2009 Core 2-class host: KVM shadow paging (no EPT, no VPID on Core 2 or
// Penryn), KVM with EPT + VPID (Nehalem, for comparison), and Xen PV. The mechanism (which operation exits, how
// often, what the host then does) lives in @kmemsim/mmu (virt-ops.ts, kvm-era.ts); these are its costs. None is
// fitted to a published figure: the seed 000 experiment (@kmemsim/highmem experiments/seed000.ts) layers its
// fitted values over these for its own runs only.
const EXIT_RT =
  '[U 2_000..6_500] Core 2/Penryn VMX exit + VMRESUME (~1,000–2,500 cycles: no primary per-generation figure ' +
  'found; Intel 2007: Penryn cut transition times 25–75 % vs Merom) plus KVM 2.6.29’s exit path (vmx_vcpu_run ' +
  'register save/restore, ~10–20 VMREAD/VMWRITE of exit information, vcpu_enter_guest request and interrupt ' +
  'injection checks: ~1,000–4,000)';

export const kvmShadow = {
  description:
    'KVM of 2009 (2.6.29 by default) with shadow page tables on Core 2: invlpg, CR3/CR4 writes, APIC accesses, ' +
    'port I/O and faults on trapping shadow PTEs exit; guest page-table writes unsync or emulate per version',
  vmExitCycles: [4_000, EXIT_RT],
  exits: { invlpg: true, cr3Write: true, cr4Write: true, ipiSend: true, pteWrite: false },
  handlingCycles: {
    invlpg: [
      1_500,
      '[U 800..3_000] FNAME(invlpg): mmu_lock, shadow walk to the last level, rmap_remove (mechanism.' +
        'rmapRemoveCycles: ~600 of this), trap spte, kvm_read_guest_atomic of the guest PTE',
    ],
    cr3Write: [2_000, '[U 1_000..4_000] kvm_set_cr3: mmu_free_roots + context re-init (the reload is separate)'],
    cr4Write: [2_000, '[U 1_000..4_000] kvm_set_cr4: kvm_mmu_sync_global walk + kvm_mmu_reset_context'],
    ipiSend: [2_500, '[U 1_500..5_000] as mechanism.apicAccessCycles (older field, for plugins without mechanism)'],
    pteWrite: [5_000, '[U 3_000..10_000] as mechanism.ptWriteEmulationCycles (older field)'],
  },
  mechanism: {
    pageFaultHandlingCycles: [
      3_500,
      '[U 2_000..6_000] FNAME(page_fault): walk_addr (2–3 kvm_read_guest of guest PTEs), gfn_to_pfn ' +
        '(get_user_pages_fast), mmu_lock, FNAME(fetch) + rmap_add',
    ],
    ptWriteEmulationCycles: [
      5_000,
      '[U 3_000..10_000] x86 emulate_instruction (decode + execute the mov) + kvm_mmu_pte_write (hash lookup, spte update)',
    ],
    unsyncCycles: [
      1_200,
      '[U 500..3_000] kvm_unsync_page: hash walk for other roles, mark parents, mmu_convert_notrap over 512 sptes',
    ],
    syncCyclesPerSpte: [
      200,
      '[U 100..400] FNAME(sync_page) per present spte: kvm_read_guest_atomic of one 8-byte guest PTE (gfn_to_hva ' +
        'memslot loop, __copy_from_user_inatomic), the gfn/present/accessed test, set_spte when it is kept',
    ],
    rmapRemoveCycles: [
      600,
      '[U 300..1_500] rmap_remove (2.6.29 arch/x86/kvm/mmu.c) of an spte FNAME(sync_page) zaps: page_header, ' +
        'kvm_set_pfn_accessed → mark_page_accessed and kvm_release_pfn_clean → put_page on the guest frame’s ' +
        'host struct page (a cold line: ~100 ns DRAM on a Core 2 FSB host, plus two locked ops), gfn_to_rmap ' +
        '(gfn_to_memslot loop, rmap array: one line per 8 gfns), the rmap desc update; run after an exit ' +
        'flushed the TLB',
    ],
    prefetchCyclesPerSpte: [
      8,
      '[U 4..20] FNAME(prefetch_page) (arch/x86/kvm/paging_tmpl.h, 2.6.2x) building a shadow page: the guest ' +
        'table is read 256 bytes at a time (16 kvm_read_guest_atomic calls of ~100–200 cycles for 512 PTEs) ' +
        'and each spte set trap or notrap non-present (a test and a store)',
    ],
    rootReloadCycles: [
      2_500,
      '[U 1_000..5_000] kvm_mmu_load: mmu_alloc_roots (PAE: four kvm_mmu_get_page lookups), mmu_sync_roots walk, ' +
        'GUEST_CR3 and PDPTR VMWRITEs',
    ],
    apicAccessCycles: [
      2_500,
      '[U 1_500..5_000] APIC-access exit (flexpriority): emulate the mov, apic_mmio_read/write; an ICR write runs ' +
        'apic_send_ipi over KVM_MAX_VCPUS slots',
    ],
    kickCycles: [
      24_000,
      '[U 10_000..60_000] kvm_vcpu_kick of a halted vCPU: host try_to_wake_up, schedule on its pCPU, vcpu_load, ' +
        're-entry with the injection (~4–25 µs of host wake-up latency)',
    ],
    kickCallCycles: [
      2_000,
      '[U 1_000..4_000] the sender’s part of each kvm_vcpu_kick (apic_send_ipi loops over the targets): ' +
        'try_to_wake_up of a halted vCPU thread, or smp_call_function_single to a running one (2.6.29–30)',
    ],
    remoteFlushCycles: [
      4_000,
      '[U 2_000..8_000] host smp_call_function(_many) to the pCPU running another vCPU, waited for (2.6.29–30 kick, ' +
        'kvm_flush_remote_tlbs)',
    ],
    pioCycles: [
      20_000,
      '[U 10_000..40_000] port I/O handled by QEMU: KVM_RUN returns to user space, ioport dispatch to the device ' +
        'model, ioctl re-entry (two user/kernel crossings + the device code)',
    ],
    refillCyclesPerCall: [
      250,
      '[U 60..600] Core 2 has no VPID: every VM exit and entry flushes the TLB, global entries included (Intel ' +
        'SDM 3B ch. 24; sources-mm.md §2), so a kernel function run after an exit misses on its code page and its ' +
        'own data pages (2–8: e.g. radix_tree_lookup_slot 8 — its code page, three file-tree nodes, the device ' +
        'mapping and three device-tree nodes, each a slab object on its own page), each a walk of the shadow ' +
        'tables (PAE: PDPTEs held in the CPU, so a PDE and a PTE load, each an L1D or L2 hit — Core 2 load-to-use ' +
        '~3 and ~14 cycles, recalled, not from a source in the reference: [U] — 16–38 cycles per miss; the spte ' +
        'lines are touched every page, L2-resident), plus up to ~8 lines the host handler evicted from L1 (~14 each)',
    ],
    maxVcpus: [16, 'KVM_MAX_VCPUS = 16 (arch/x86/include/asm/kvm_host.h, 2.6.2x)'],
  },
} as const;

export const kvmEpt = {
  description:
    'KVM with EPT and VPID (Nehalem and later): guest page tables, invlpg and CR writes run natively; APIC ' +
    'accesses and port I/O still exit; 2-D page walks',
  vmExitCycles: [
    2_000,
    '[U 1_000..3_500] Nehalem VMX round trip (Intel: transitions faster than Penryn) + KVM exit path',
  ],
  exits: { invlpg: false, cr3Write: false, cr4Write: false, ipiSend: true, pteWrite: false },
  handlingCycles: {
    invlpg: [0, 'no exit with EPT'],
    cr3Write: [0, 'no exit with EPT'],
    cr4Write: [0, 'no exit with EPT'],
    ipiSend: [2_500, '[U 1_500..5_000] APIC-access exit emulation, as kvm-shadow'],
    pteWrite: [0, 'no exit with EPT'],
  },
  tlbMissCycles: [100, '[U 50..300] 2-D walk (guest PAE levels × EPT levels), mostly cached'],
  mechanism: {
    pageFaultHandlingCycles: [0, 'guest page faults do not exit with EPT'],
    ptWriteEmulationCycles: [0, 'guest page tables are not write-protected with EPT'],
    unsyncCycles: [0, 'no shadow pages with EPT'],
    syncCyclesPerSpte: [0, 'no shadow pages with EPT'],
    rootReloadCycles: [0, 'CR3 writes do not exit with EPT'],
    apicAccessCycles: [2_500, '[U 1_500..5_000] APIC-access exit emulation, as kvm-shadow'],
    kickCycles: [24_000, '[U 10_000..60_000] waking a halted vCPU, as kvm-shadow'],
    kickCallCycles: [2_000, '[U 1_000..4_000] the sender’s part of each kick, as kvm-shadow'],
    remoteFlushCycles: [4_000, '[U 2_000..8_000] host IPI to another vCPU’s pCPU, as kvm-shadow'],
    pioCycles: [20_000, '[U 10_000..40_000] port I/O handled by QEMU, as kvm-shadow'],
    refillCyclesPerCall: [0, 'VPID (Nehalem): exits keep the guest TLB (Intel SDM 3B ch. 24–25)'],
    maxVcpus: [16, 'KVM_MAX_VCPUS = 16 (2.6.2x)'],
  },
} as const;

export const xenPv = {
  description:
    'Xen paravirtual guest: page-table updates, invlpg and TLB flushes are hypercalls; IPIs are event channels',
  vmExitCycles: [1_000, '[U 500..2_000] Xen hypercall round trip on 2009 hardware (a ring transition, no VMX)'],
  exits: { invlpg: true, cr3Write: true, cr4Write: true, ipiSend: true, pteWrite: true },
  handlingCycles: {
    invlpg: [300, '[U 100..800] MMUEXT_INVLPG_LOCAL in Xen'],
    cr3Write: [1_500, '[U 800..4_000] MMUEXT_NEW_BASEPTR with validation of the new root'],
    cr4Write: [500, '[U 200..1_500] MMUEXT_TLB_FLUSH_LOCAL (the PV __flush_tlb_all)'],
    ipiSend: [1_000, '[U 500..2_000] EVTCHNOP_send to the target vCPU'],
    pteWrite: [500, '[U 200..1_500] mmu_update validation of one PTE'],
  },
  mechanism: {
    pageFaultHandlingCycles: [0, 'direct paging: no shadow faults'],
    ptWriteEmulationCycles: [0, 'page-table writes are explicit hypercalls, not emulated'],
    unsyncCycles: [0, 'no shadow pages'],
    syncCyclesPerSpte: [0, 'no shadow pages'],
    rootReloadCycles: [0, 'included in the CR3 hypercall'],
    apicAccessCycles: [0, 'no emulated APIC: event channels'],
    kickCycles: [0, 'included in the event-channel send'],
    kickCallCycles: [0, 'included in the event-channel send'],
    remoteFlushCycles: [0, 'no shadow pages to flush'],
    pioCycles: [1_500, '[U 500..5_000] a trapped port access forwarded to dom0’s device model'],
    refillCyclesPerCall: [0, 'hypercalls do not flush the TLB (Xen is mapped in every address space)'],
    maxVcpus: [32, 'XEN_LEGACY_MAX_VCPUS = 32 (xen/include/public/xen.h, 2009)'],
  },
} as const;
