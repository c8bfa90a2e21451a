// ia64 (Itanium 2, Linux 2.6.2x): 16 KB pages, global flush by IPI with each CPU looping ptc.e. Two profiles:
// a small HP-class SMP box, and SGI Altix (sn2) with 64 CPUs, where every IPI is a per-target
// sn_send_IPI_phys — the machine whose profile motivated the 2.6.28 vmap rewrite (kernel-mechanisms.md).
// [U] marks a documented assumption.
import { defineArch, sourced } from '@kmemsim/mmu';

const base = {
  wordBits: [64, 'ia64'],
  pageBytes: [16384, 'ia64 default PAGE_SIZE 16 KB (kernel-mechanisms.md table)'],
  cacheLineBytes: [128, 'Itanium 2 L2/L3 line size 128 bytes (kernel-mechanisms.md: 64/128 B)'],
  clockHz: [1.6e9, '[U] Itanium 2 9000 (Montecito) at 1.6 GHz'],
  vmallocBytes: [2 ** 40, '[U] region 5 vmalloc space, far larger than any workload here'],
  structPageBytes: [56, '[U] 64-bit struct page of the 2.6.2x era'],
  hz: [1024, 'ia64 CONFIG_HZ default 1024'],
  highmem: null,
  cache: {
    l1d: {
      sizeBytes: [16_384, 'sources-mm.md §4.5: Itanium 2 in Altix 3700, 16 KiB L1 data cache, 64 B lines'],
      ways: [4, 'Itanium 2 Processor Reference Manual: the L1D is 4-way set associative'],
      lineBytes: [64, 'sources-mm.md §4.5: 64-byte L1 lines'],
      hitCycles: [1, 'Itanium 2 Processor Reference Manual: 1-cycle L1D for integer loads'],
    },
    l2: {
      sizeBytes: [262_144, 'sources-mm.md §4.5: 256 KiB L2, 128-byte lines'],
      ways: [8, 'Itanium 2 Processor Reference Manual: the L2 is 8-way set associative'],
      lineBytes: [128, 'sources-mm.md §4.5: 128-byte L2 lines'],
      hitCycles: [5, 'Itanium 2 Processor Reference Manual: 5-cycle L2 for integer loads'],
    },
    l3: {
      sizeBytes: [3_145_728, 'sources-mm.md §4.5: 3 MiB L3'],
      ways: [12, 'sources-mm.md §4.5: the L3 is 12-way'],
      lineBytes: [128, 'sources-mm.md §4.5: 128-byte L3 lines'],
      hitCycles: [14, '[U 12..16] Itanium 2 L3 load-to-use latency'],
    },
    memoryCycles: [300, '[U 200..480] local memory behind the SHub, ~130–300 ns at 1.6 GHz'],
    transferCycles: [600, '[U 400..1000] a modified line from another CPU (front-side bus, or NUMAlink on sn2)'],
    upgradeCycles: [300, '[U 150..600] invalidating the other copies before a store'],
    atomicCycles: [10, '[U 5..20] cmpxchg / fetchadd on an owned line'],
  },
  tlb: {
    entries: [128, 'Itanium 2: 128-entry L2 DTLB (Itanium 2 Reference Manual)'],
    globalFlush: 'ipi',
    rangeFlushCeilingPages: [0, 'flush_tlb_kernel_range → flush_tlb_all on ia64 of this era'],
  },
  costs: {
    localFlushCycles: [2000, '[U] local_flush_tlb_all: nested ptc.e loop over ptce_count/stride'],
    globalFlushPerCpuCycles: [2000, '[U] the same ptc.e loop run on each CPU by the IPI handler'],
    invlpgCycles: [100, '[U] ptc.l of one page + srlz'],
    broadcastFlushCycles: [0, 'kernel TLB flush is done by IPI (ptc.ga is used for user ranges only)'],
    broadcastFlushPerCpuCycles: [0, 'kernel TLB flush is done by IPI'],
    memcpyCyclesPerByte: [0.4, '[U] ~4 GB/s copy on Montecito'],
    copyUserCyclesPerByte: [0.4, '[U] __copy_user, same bandwidth as memcpy'],
    bounceCopyCyclesPerByte: [0, 'ia64 copy_oldmem_page reads through __va: no mapping, no bounce'],
    ioremapCycles: [0, 'ia64 copy_oldmem_page uses __va, no ioremap'],
    iounmapCycles: [0, 'ia64 copy_oldmem_page uses __va, no iounmap'],
    syscallCycles: [300, '[U] epc/break system call entry + exit'],
    pageFaultCycles: [2500, '[U] VHPT miss fault + handle_mm_fault fast path'],
    pteSetCycles: [10, 'one store to a cached page-table page'],
    pteClearCycles: [10, 'one store to a cached page-table page'],
    tlbMissCycles: [100, '[U] hardware VHPT walker hit'],
    lockUncontendedCycles: [50, '[U] cmpxchg acquire + st.rel release'],
    contextSwitchCycles: [6000, '[U] wake-up + schedule + switch (large register file)'],
  },
  symbols: {
    spinlock: 'ia64_spinlock_contention',
    readLock: '_read_lock',
    writeLock: '_write_lock',
    ipiSend: 'smp_call_function',
    flushHandler: 'local_flush_tlb_all',
    globalFlush: 'local_flush_tlb_all',
  },
  virt: {},
} as const;

/**
 * The ia64 arch profile: an Itanium 2 SMP (HP Integrity class) on Linux 2.6.2x, 16 KB pages, IPI plus ptc.e global
 * flush. Also the package's default export.
 */
export const ia64 = defineArch(
  sourced({
    ...base,
    name: 'ia64',
    description: 'Itanium 2 SMP (HP Integrity class), Linux 2.6.2x: 16 KB pages, IPI + ptc.e global flush',
    defaultCpus: [4, '[U] a 4-socket Itanium 2 server'],
    maxCpus: [4096, 'ia64 NR_CPUS limit (Kconfig)'],
    ipi: {
      sendCycles: [500, '[U] store to the target processor interrupt block'],
      broadcastShorthand: false,
      deliveryCycles: [1000, '[U] system-bus interrupt message'],
      handlerEntryCycles: [1500, '[U] interrupt entry/exit with a large register file'],
      ackCycles: [400, 'one 128-byte line transfer back to the sender'],
      callLock: false,
    },
    costs: { ...base.costs, cacheLineTransferCycles: [400, '[U] front-side-bus cache-to-cache transfer'] },
    symbols: { ...base.symbols, ipiSendPerTarget: '' },
  }),
);

/**
 * The ia64-sn2 arch profile: an SGI Altix (sn2) with 64 Itanium 2 CPUs, per-target IPIs through the SHub
 * (sn_send_IPI_phys) over NUMAlink.
 */
export const ia64Sn2 = defineArch(
  sourced({
    ...base,
    name: 'ia64-sn2',
    description:
      'SGI Altix (sn2) with 64 Itanium 2 CPUs: per-target IPIs through the SHub (sn_send_IPI_phys), NUMAlink',
    defaultCpus: [64, 'kernel-mechanisms.md: the vmap rewrite profiled a 64-CPU SGI Altix'],
    maxCpus: [4096, 'ia64 NR_CPUS limit (Kconfig); sn2 systems scaled to thousands of CPUs'],
    ipi: {
      sendCycles: [2000, '[U] sn_send_IPI_phys: uncached PIO write to the remote SHub, ~1.25 µs'],
      broadcastShorthand: false,
      deliveryCycles: [2000, '[U] NUMAlink interrupt delivery across the fabric'],
      handlerEntryCycles: [1500, '[U] interrupt entry/exit with a large register file'],
      ackCycles: [1000, 'one remote NUMAlink line transfer back to the sender, as cacheLineTransferCycles'],
      callLock: false,
    },
    costs: { ...base.costs, cacheLineTransferCycles: [1000, '[U] remote NUMAlink cache-line transfer, ~0.6 µs'] },
    symbols: { ...base.symbols, ipiSendPerTarget: 'sn_send_IPI_phys' },
  }),
);

export default ia64;
