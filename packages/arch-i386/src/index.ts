// i386 of 2009: 32-bit x86 (Linux 2.6.2x–2.6.30) with highmem (pkmap + kmap_atomic) on a Core 2-class CPU, bare
// or as a guest (virt.ts). Every number is sourced or a [U lo..hi] guess; none is fitted to a published figure
// (fitted values live in experiment profiles, docs/fidelity.md).
import { defineArch, sourced } from '@kmemsim/mmu';
import { kvmEpt, kvmShadow, xenPv } from './virt.js';

const spec = {
  name: 'i386',
  description: '32-bit x86 with highmem (2.6.2x), 2009-era Core 2 class CPU; PAE optional',
  wordBits: [32, 'i386'],
  pageBytes: [4096, 'x86 base page size (Intel SDM vol. 3 §4.3)'],
  cacheLineBytes: [64, 'Core 2: 64-byte cache lines (Intel optimization manual §2.1)'],
  defaultCpus: [
    2,
    '[U] seed 000 guest: SMP (on_each_cpu and smp_invalidate_interrupt in its profile), 2 vCPUs assumed',
  ],
  maxCpus: [
    8,
    'NR_CPUS "range 2 8 if SMP && X86_32 && !X86_BIGSMP" (arch/x86/Kconfig, 2.6.30): flat logical APIC mode, an ' +
      '8-bit LDR (1 << cpu); more CPUs need bigsmp (the i386-bigsmp profile)',
  ],
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
    sendCycles: [300, '[U 100..600] xAPIC ICR2 + ICR writes after the apic_wait_icr_idle poll'],
    // no_broadcast defaults to 1 with CONFIG_HOTPLUG_CPU: all-but-self goes out as a mask IPI, not the shorthand.
    broadcastShorthand: false,
    flatMaxCpus: [8, 'flat logical mode: one ICR2+ICR pair reaches every CPU of the mask (LDR = 1 << cpu, ≤ 8)'],
    apicAccessesPerSend: [3, '__send_IPI_dest_field: ICR read (apic_wait_icr_idle) + ICR2 write + ICR write'],
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
    // flush_tlb_all = on_each_cpu(do_flush_tlb_all): smp_call_function(_single or _many) on the
    // call-function vectors (not smp_invalidate_interrupt, which only serves user-mm flush_tlb_others); the local
    // do_flush_tlb_all runs with irqs off, so readprofile's tick lands in on_each_cpu at local_irq_enable.
    ipiSend: 'smp_call_function_single',
    ipiSendMany: 'smp_call_function_many',
    ipiSendPerTarget: 'flat_send_IPI_mask',
    flushHandler: 'smp_call_function_single_interrupt',
    flushHandlerMany: 'smp_call_function_interrupt',
    globalFlush: 'on_each_cpu',
  },
  virt: { 'kvm-shadow': kvmShadow, 'kvm-ept': kvmEpt, 'xen-pv': xenPv },
} as const;

/**
 * The i386 arch profile: 32-bit x86 with highmem (Linux 2.6.2x), a 2009-era Core 2 class CPU; PAE optional
 * (`new Machine({ arch: i386, pae: true })`). Also the package's default export.
 * @example
 * ```ts
 * import { i386 } from '@kmemsim/arch-i386';
 * import { Machine } from '@kmemsim/mmu';
 * const m = new Machine({ arch: i386, virt: 'kvm-shadow', cpus: 2, pae: true });
 * ```
 */
export const i386 = defineArch(sourced(spec));

/**
 * i386 with CONFIG_X86_BIGSMP: up to 8 CPUs the kernel keeps flat logical mode; above, the bigsmp APIC driver
 * sends one ICR2+ICR pair per target (default_send_IPI_mask_sequence_phys), with no shorthand.
 */
export const i386Bigsmp = defineArch(
  sourced({
    ...spec,
    name: 'i386-bigsmp',
    description: '32-bit x86 with highmem (2.6.2x–2.6.30), CONFIG_X86_BIGSMP: physical-mode IPIs above 8 CPUs',
    maxCpus: [512, 'NR_CPUS range 2–512 with X86_BIGSMP (arch/x86/Kconfig, 2.6.27–2.6.30; default 32 for BIGSMP)'],
    symbols: { ...spec.symbols, ipiSendSequence: 'default_send_IPI_mask_sequence_phys' },
  }),
);

export default i386;

// 2002 machines (Linux 2.5): the rmap seeds 003/004.
export { i386P4, i386XeonMp } from './netburst.js';
export { i386Numaq } from './numaq.js';
export { i386Piii, i386Tualatin } from './piii.js';
