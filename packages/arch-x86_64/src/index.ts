// x86_64 as in seed 002 (2.6.28, "mm: rewrite vmap layer"): 2 sockets × 4-core Opteron, no highmem, TLB
// shootdown by IPI, /proc/vmcore read through ioremap of one page at a time.
// [U lo..hi] marks a documented assumption and its plausible range. No value here is fitted to a seed figure:
// experiment profiles (e.g. @kmemsim/vmalloc's SEED002, `--experiment seed002`) layer their fitted values over it.
import { defineArch, sourced } from '@kmemsim/mmu';

const KVM_EXIT: readonly [number, string] = [
  2530,
  'kernel-mechanisms.md: 2020 AMD SVM measurement, ~2,530 cycles for a full VMRUN/#VMEXIT round trip',
];

/**
 * The x86_64 arch profile: a 2-socket quad-core Opteron (2008) on Linux 2.6.28, IPI shootdown, no highmem; virt modes
 * kvm-shadow, kvm-ept and xen-pv. Also the package's default export.
 * @example
 * ```ts
 * import { x86_64 } from '@kmemsim/arch-x86_64';
 * import { Machine } from '@kmemsim/mmu';
 * const m = new Machine({ arch: x86_64, virt: 'kvm-ept', cpus: 8 });
 * ```
 */
export const x86_64 = defineArch(
  sourced({
    name: 'x86_64',
    description: '2-socket quad-core Opteron (2008), Linux 2.6.28 era: IPI shootdown, no highmem',
    wordBits: [64, 'x86-64 long mode'],
    pageBytes: [4096, 'x86-64 base page size (AMD64 APM vol. 2 §5.3)'],
    cacheLineBytes: [64, 'AMD Family 10h: 64-byte cache lines (BKDG for Family 10h)'],
    defaultCpus: [8, 'seed 002: 2 sockets × 4-core Opteron = 8 CPUs'],
    maxCpus: [4096, 'x86_64 NR_CPUS upper limit (Kconfig MAXSMP)'],
    clockHz: [2.3e9, '[U] Opteron 2356 (Barcelona) 2.3 GHz, the common 2-socket quad-core part of late 2008'],
    vmallocBytes: [2 ** 45, 'Documentation/x86/x86_64/mm.txt: 32 TB vmalloc/ioremap space'],
    structPageBytes: [
      64,
      'sizeof(struct page) on x86_64 in Linux 6.0 (makedumpfile interop image, kernel-mechanisms.md)',
    ],
    hz: [250, 'CONFIG_HZ_250, the Kconfig default of 2.6.2x'],
    highmem: null,
    cache: {
      l1d: {
        sizeBytes: [
          65_536,
          'AMD Family 10h: 64 KB L1 data cache per core (Software Optimization Guide for 10h, 40546)',
        ],
        ways: [2, 'AMD Family 10h: the L1 data cache is 2-way set associative'],
        lineBytes: [64, 'AMD Family 10h: 64-byte cache lines'],
        hitCycles: [3, 'Software Optimization Guide for AMD Family 10h (40546): 3-cycle L1 load-to-use latency'],
      },
      l2: {
        sizeBytes: [524_288, 'sources-mm.md §4.5: Barcelona, 512 KiB L2 per core'],
        ways: [16, 'AMD Family 10h: the L2 is 16-way set associative'],
        lineBytes: [64, 'AMD Family 10h: 64-byte cache lines'],
        hitCycles: [15, '[U 12..16] K10 L2 load-to-use latency (K8: 12 cycles; Barcelona adds a few)'],
      },
      l3: {
        sizeBytes: [2_097_152, 'sources-mm.md §4.5: Barcelona, 2 MiB shared victim L3'],
        ways: [32, 'AMD Family 10h: the shared L3 is 32-way set associative'],
        lineBytes: [64, 'AMD Family 10h: 64-byte cache lines'],
        hitCycles: [48, '[U 40..60] Barcelona shared L3 load-to-use latency'],
      },
      memoryCycles: [200, '[U 150..300] local DDR2-667 on a 2-socket Opteron, ~65–130 ns at 2.3 GHz'],
      transferCycles: [250, '[U 160..300] as costs.cacheLineTransferCycles: K10 cache-to-cache transfer'],
      upgradeCycles: [100, '[U 60..200] invalidating a shared line before a store (HyperTransport probe)'],
      atomicCycles: [20, '[U 15..40] LOCK-prefixed RMW on an owned line (costs.lockUncontendedCycles covers two)'],
    },
    tlb: {
      entries: [512, 'AMD Family 10h: 512-entry L2 DTLB for 4 KB pages (Software Optimization Guide for 10h, §A.4)'],
      globalFlush: 'ipi',
      rangeFlushCeilingPages: [
        0,
        'flush_tlb_kernel_range() was flush_tlb_all() on x86 until the 3.x tlb_single_page_flush_ceiling (33)',
      ],
    },
    ipi: {
      sendCycles: [
        300,
        '[U] xAPIC ICR write (uncached MMIO store + delivery-status poll), a few hundred cycles on K10',
      ],
      broadcastShorthand: false,
      deliveryCycles: [1000, '[U] APIC bus/HT message to a remote socket, ~0.4 µs'],
      handlerEntryCycles: [
        1200,
        '[U] interrupt entry + generic_smp_call_function_interrupt bookkeeping + iret, ~0.5 µs',
      ],
      ackCycles: [
        250,
        'one cache-line transfer back to the sender (the call_single_data flag), as cacheLineTransferCycles',
      ],
      callLock: false,
    },
    costs: {
      localFlushCycles: [500, '[U] MOV CR3 without PCID on K10: a few hundred cycles, before refill misses'],
      globalFlushPerCpuCycles: [
        1_200,
        '[U 600..3000] __flush_tlb_all → __flush_tlb_global (2.6.26+: two CR4 writes with irqs off, each ' +
          'serializing, ~100–300 cycles on K10) plus the refill of the kernel TLB working set it drops (~10–40 ' +
          'misses at tlbMissCycles); an experiment profile (--experiment seed002) carries its fitted value',
      ],
      invlpgCycles: [230, 'arch/x86/mm/tlb.c comment: a single-page flush is about 100 ns (230 cycles at 2.3 GHz)'],
      broadcastFlushCycles: [0, 'no hardware-broadcast TLB invalidation on x86'],
      broadcastFlushPerCpuCycles: [0, 'no hardware-broadcast TLB invalidation on x86'],
      memcpyCyclesPerByte: [0.5, '[U] ~4.6 GB/s copy between DDR2-667 and cache on Barcelona (STREAM copy class)'],
      copyUserCyclesPerByte: [0.5, '[U] copy_user_generic_string: same bandwidth as memcpy'],
      bounceCopyCyclesPerByte: [0, 'x86_64 has no bounce copy: copy_oldmem_page copies from the ioremap mapping'],
      ioremapCycles: [
        2000,
        '[U] ioremap_cache beyond the vmap area: reserve_memtype PAT lookup + page-table walk set-up, ~1 µs',
      ],
      iounmapCycles: [1500, '[U] free_memtype + area lookup, beyond the vunmap itself'],
      syscallCycles: [200, '[U] SYSCALL/SYSRET round trip with 2.6-era entry code, ~80 ns'],
      pageFaultCycles: [1500, '[U] minimal #PF entry + handle_mm_fault fast path, ~0.7 µs'],
      pteSetCycles: [10, 'a single 8-byte store to a cached page-table page'],
      pteClearCycles: [10, 'a single 8-byte store to a cached page-table page'],
      tlbMissCycles: [50, '[U] 4-level walk served by the K10 page-walk cache and L2'],
      cacheLineTransferCycles: [
        250,
        '[U] K10 cache-to-cache transfer, ~70 ns intra-socket to ~130 ns across HyperTransport, mixed',
      ],
      lockUncontendedCycles: [40, '[U] LOCK-prefixed RMW to an L1-resident line (~20 cycles) for lock + unlock'],
      contextSwitchCycles: [5000, '[U] try_to_wake_up + schedule + switch_to, ~2 µs on 2008 hardware'],
    },
    symbols: {
      spinlock: '_spin_lock',
      readLock: '_read_lock',
      writeLock: '_write_lock',
      ipiSend: 'smp_call_function',
      ipiSendPerTarget: '',
      flushHandler: 'do_flush_tlb_all',
      globalFlush: 'flush_tlb_all',
    },
    virt: {
      'kvm-shadow': {
        description: 'KVM with shadow page tables (no NPT): invlpg, CR3/CR4 writes and guest PTE writes exit',
        vmExitCycles: KVM_EXIT,
        exits: { invlpg: true, cr3Write: true, cr4Write: true, ipiSend: true, pteWrite: true },
        handlingCycles: {
          invlpg: [3000, '[U] kvm_mmu_invlpg: shadow walk + shadow PTE zap, a few µs on 2009 KVM'],
          cr3Write: [4000, '[U] kvm_mmu_new_cr3: shadow root switch/sync'],
          cr4Write: [4000, '[U] kvm_set_cr4 with PGE toggle: shadow MMU reset of global pages'],
          ipiSend: [2000, '[U] emulated APIC ICR write + injection into the target vCPU'],
          pteWrite: [2000, '[U] write-protected guest page table: emulate the write + shadow update'],
        },
      },
      'kvm-ept': {
        description: 'KVM with NPT/EPT: TLB ops run natively; IPIs still exit (no APICv); 2-D page walks',
        vmExitCycles: KVM_EXIT,
        exits: { invlpg: false, cr3Write: false, cr4Write: false, ipiSend: true, pteWrite: false },
        handlingCycles: {
          invlpg: [0, 'no exit with NPT/EPT'],
          cr3Write: [0, 'no exit with NPT/EPT'],
          cr4Write: [0, 'no exit with NPT/EPT'],
          ipiSend: [2000, '[U] emulated APIC ICR write + injection into the target vCPU'],
          pteWrite: [0, 'no exit with NPT/EPT'],
        },
        tlbMissCycles: [150, '[U] 2-D walk: up to 24 references instead of 4, mostly cached'],
      },
      'xen-pv': {
        description: 'Xen paravirtual guest: page-table updates and TLB flushes are hypercalls',
        vmExitCycles: [1000, '[U] Xen hypercall round trip on 2008 hardware (syscall-class trap into Xen)'],
        exits: { invlpg: true, cr3Write: true, cr4Write: true, ipiSend: true, pteWrite: true },
        handlingCycles: {
          invlpg: [300, '[U] MMUEXT_INVLPG_LOCAL in Xen'],
          cr3Write: [1500, '[U] MMUEXT_NEW_BASEPTR with pagetable validation of the new root'],
          cr4Write: [500, '[U] MMUEXT_TLB_FLUSH_ALL'],
          ipiSend: [1000, '[U] event-channel send (EVTCHNOP_send)'],
          pteWrite: [500, '[U] mmu_update validation of one PTE'],
        },
      },
    },
  }),
);

export default x86_64;
