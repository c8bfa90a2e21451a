// i386 as in seed 000: a 32-bit PAE guest (Linux 2.6.2x) under 2009 KVM, with highmem (pkmap + kmap_atomic).
// [U] marks a documented assumption; "calibrated:" names the reference figure a value was set from.
import { defineArch, sourced } from '@kmemsim/mmu';

export const i386 = defineArch(
  sourced({
    name: 'i386',
    description: '32-bit x86 with highmem (2.6.2x), 2009-era Core 2 class CPU; PAE optional',
    wordBits: [32, 'i386'],
    pageBytes: [4096, 'x86 base page size (Intel SDM vol. 3 §4.3)'],
    cacheLineBytes: [64, 'Core 2: 64-byte cache lines (Intel optimization manual §2.1)'],
    defaultCpus: [
      2,
      '[U] seed 000 guest: SMP (on_each_cpu and smp_invalidate_interrupt in its profile), 2 vCPUs assumed',
    ],
    maxCpus: [64, 'i386 NR_CPUS limit without bigsmp (Kconfig, 2.6.2x)'],
    clockHz: [2.4e9, '[U] a 2009 Core 2 host at 2.4 GHz'],
    vmallocBytes: [128 * 2 ** 20, 'VMALLOC_RESERVE = 128 MB in the 3G/1G split (arch/x86/mm/init_32.c)'],
    structPageBytes: [32, 'sizeof(struct page) on 32-bit 2.6.2x'],
    hz: [250, 'CONFIG_HZ_250, the Kconfig default of 2.6.2x (readprofile tick rate)'],
    highmem: {
      pkmapEntries: [1024, 'LAST_PKMAP = 1024 without PAE: a 4 MB pkmap window (arch/x86/include/asm/highmem.h)'],
      pkmapEntriesPae: [512, 'LAST_PKMAP = 512 with PAE: a 2 MB window (seed 000: a flush "every 2 MB")'],
      kmTypeNr: [13, 'KM_TYPE_NR = 13 in 2.6.27 (enum km_type)'],
      kmapLocalSlots: [16, 'KM_MAX_IDX = 16 (kmap_local_page, 5.11, include/asm-generic/kmap_size.h)'],
    },
    tlb: {
      entries: [256, 'Core 2: 256-entry DTLB for 4 KB pages (Intel optimization manual, Table 2-5)'],
      globalFlush: 'ipi',
      rangeFlushCeilingPages: [0, 'flush_tlb_kernel_range() is flush_tlb_all() on i386 of this era'],
    },
    ipi: {
      sendCycles: [300, '[U] xAPIC ICR write + delivery-status poll'],
      broadcastShorthand: true,
      deliveryCycles: [800, '[U] front-side-bus interrupt message, ~0.3 µs'],
      handlerEntryCycles: [1000, '[U] interrupt entry + ack_APIC_irq + iret'],
      ackCycles: [200, 'one cache-line transfer back to the sender, as cacheLineTransferCycles'],
      callLock: false,
    },
    costs: {
      localFlushCycles: [300, '[U] MOV CR3 on Core 2, before refill misses'],
      globalFlushPerCpuCycles: [500, '[U] __flush_tlb_all: CR4.PGE toggle (two CR4 writes)'],
      invlpgCycles: [240, 'arch/x86/mm/tlb.c comment: a single-page flush is about 100 ns (240 cycles at 2.4 GHz)'],
      broadcastFlushCycles: [0, 'no hardware-broadcast TLB invalidation on x86'],
      broadcastFlushPerCpuCycles: [0, 'no hardware-broadcast TLB invalidation on x86'],
      memcpyCyclesPerByte: [0.5, '[U] ~5 GB/s memory copy on a 2009 Core 2 with DDR2-800'],
      copyUserCyclesPerByte: [0.5, '[U] __copy_from_user_ll: rep movsl, same bandwidth as memcpy'],
      bounceCopyCyclesPerByte: [0, 'i386 copy_oldmem_page copies from the kmap_atomic_pfn mapping, no DAT-off copy'],
      ioremapCycles: [2000, '[U] as x86_64: memtype reservation + page-table set-up'],
      iounmapCycles: [1500, '[U] as x86_64'],
      syscallCycles: [250, '[U] sysenter/sysexit round trip with 2.6-era entry code'],
      pageFaultCycles: [1500, '[U] minimal #PF entry + handle_mm_fault fast path'],
      pteSetCycles: [10, 'one store to a cached page-table page (PAE: 8 bytes with a set_64bit cmpxchg8b)'],
      pteClearCycles: [10, 'one store to a cached page-table page'],
      tlbMissCycles: [30, '[U] 2/3-level walk hitting L1/L2'],
      cacheLineTransferCycles: [200, '[U] Core 2 cache-to-cache transfer via the shared L2 or the FSB'],
      lockUncontendedCycles: [40, '[U] LOCK-prefixed RMW to an L1-resident line for lock + unlock'],
      contextSwitchCycles: [5000, '[U] try_to_wake_up + schedule + switch_to, ~2 µs'],
    },
    symbols: {
      spinlock: '_spin_lock',
      readLock: '_read_lock',
      writeLock: '_write_lock',
      ipiSend: 'on_each_cpu',
      ipiSendPerTarget: '',
      flushHandler: 'smp_invalidate_interrupt',
      globalFlush: 'flush_tlb_all',
    },
    virt: {
      'kvm-shadow': {
        description:
          'KVM of 2009 with shadow page tables: invlpg, CR3/CR4 writes, APIC writes and guest PTE writes exit',
        vmExitCycles: [2530, 'kernel-mechanisms.md: ~2,530 cycles for a full VM exit round trip (2020 AMD SVM)'],
        // Guest PTE writes do not exit: calibrated: seed 000 readprofile, where kmap_high, kmap_atomic and
        // flush_all_zero_pkmaps (512 pte_clear per wrap) are all below the 20th entry's 23 ticks. KVM of 2008 left
        // such page-table pages unsynced; the cost shows at the next access through the new mapping instead, as a
        // shadow page fault (@kmemsim/highmem shadowFaultCycles).
        exits: { invlpg: true, cr3Write: true, cr4Write: true, ipiSend: true, pteWrite: false },
        handlingCycles: {
          invlpg: [
            16_633,
            'calibrated: seed 000 readprofile kunmap_atomic 415 ticks = 19,453 cycles per page (pte_clear + invlpg ' +
              'exit + 40 call): kvm_mmu_invlpg on 2009 KVM (shadow walk, spte zap, remote TLB flush request)',
          ],
          cr3Write: [4000, '[U] kvm_mmu_new_cr3: shadow root switch/sync'],
          cr4Write: [4000, '[U] kvm_set_cr4 with PGE toggle: shadow MMU reset of global pages'],
          ipiSend: [
            1_041_610,
            'calibrated: seed 000 readprofile on_each_cpu 44 ticks = 1,056,000 cycles per pkmap flush (400 flushes): ' +
              'the emulated ICR write, the kick of the halted target vCPU (host wake-up) and the wait for it',
          ],
          pteWrite: [2000, '[U] not exercised while pteWrite does not exit: emulated write + shadow update'],
        },
      },
      'kvm-ept': {
        description: 'KVM with EPT/NPT: TLB ops native; APIC writes still exit; 2-D page walks',
        vmExitCycles: [2530, 'kernel-mechanisms.md: ~2,530 cycles for a full VM exit round trip (2020 AMD SVM)'],
        exits: { invlpg: false, cr3Write: false, cr4Write: false, ipiSend: true, pteWrite: false },
        handlingCycles: {
          invlpg: [0, 'no exit with EPT'],
          cr3Write: [0, 'no exit with EPT'],
          cr4Write: [0, 'no exit with EPT'],
          ipiSend: [2000, '[U] emulated APIC ICR write + injection into the target vCPU'],
          pteWrite: [0, 'no exit with EPT'],
        },
        tlbMissCycles: [100, '[U] 2-D walk, mostly cached'],
      },
      'xen-pv': {
        description: 'Xen paravirtual guest: page-table updates and TLB flushes are hypercalls',
        vmExitCycles: [1000, '[U] Xen hypercall round trip on 2009 hardware'],
        exits: { invlpg: true, cr3Write: true, cr4Write: true, ipiSend: true, pteWrite: true },
        handlingCycles: {
          invlpg: [300, '[U] MMUEXT_INVLPG_LOCAL in Xen'],
          cr3Write: [1500, '[U] MMUEXT_NEW_BASEPTR with validation of the new root'],
          cr4Write: [500, '[U] MMUEXT_TLB_FLUSH_ALL'],
          ipiSend: [1000, '[U] event-channel send'],
          pteWrite: [500, '[U] mmu_update validation of one PTE'],
        },
      },
    },
  }),
);

export default i386;

// 2002 machines (Linux 2.5): the rmap seeds 003/004.
export { i386P4, i386XeonMp } from './netburst.js';
export { i386Numaq } from './numaq.js';
export { i386Piii, i386Tualatin } from './piii.js';
