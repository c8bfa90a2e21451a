// s390x as in seed 001 (kexec list, March 2015): a KVM guest on a zEC12-class machine. TLB invalidation is a
// hardware broadcast (IPTE/IDTE/CSP) — no IPI; /proc/vmcore read() copies each page twice (memcpy_real with
// DAT off into a bounce buffer, then copy_to_user). [U] marks a documented assumption.
import { defineArch, sourced } from '@kmemsim/mmu';

/**
 * The s390 arch profile: s390x (zEC12 class, 2015) on Linux 3.x, hardware-broadcast TLB invalidation and DAT-off
 * bounce copies; KVM (SIE) as its virt mode. Also the package's default export.
 */
export const s390 = defineArch(
  sourced({
    name: 's390',
    description: 's390x (zEC12 class, 2015), Linux 3.x: hardware-broadcast TLB invalidation, DAT-off bounce copies',
    wordBits: [64, 's390x (z/Architecture)'],
    pageBytes: [4096, 'z/Architecture page size (Principles of Operation, ch. 3)'],
    cacheLineBytes: [256, 'z/Architecture 256-byte cache lines (kernel-mechanisms.md table)'],
    defaultCpus: [2, '[U] seed 001: a small KVM guest, 2 vCPUs assumed'],
    maxCpus: [512, 'CONFIG_NR_CPUS range on s390 (2..512)'],
    clockHz: [5.5e9, '[U] zEC12 at 5.5 GHz'],
    vmallocBytes: [2 ** 37, '[U] 128 GiB vmalloc area, the order of s390x 3.x VMALLOC_SIZE scaling'],
    structPageBytes: [56, 'kernel-mechanisms.md: 56-byte struct page (3.67 M pages of struct pages per TB)'],
    hz: [100, 'CONFIG_HZ_100, the s390 default'],
    highmem: null,
    tlb: {
      entries: [512, '[U] zEC12 TLB1 order of 512 entries for 4 KB pages'],
      globalFlush: 'broadcast',
      rangeFlushCeilingPages: [0, 's390 flush_tlb_kernel_range → __tlb_flush_global (CSP/IDTE), a full flush'],
    },
    ipi: {
      sendCycles: [1500, '[U] SIGP emergency signal to one CPU'],
      broadcastShorthand: false,
      deliveryCycles: [2000, '[U] SIGP delivery through the SCA/hypervisor'],
      handlerEntryCycles: [1500, '[U] external interrupt entry + exit'],
      ackCycles: [300, 'one cache-line transfer back to the sender, as cacheLineTransferCycles'],
      callLock: false,
    },
    costs: {
      localFlushCycles: [300, '[U] PTLB (purge local TLB)'],
      globalFlushPerCpuCycles: [0, 'hardware broadcast: no per-CPU software work'],
      invlpgCycles: [200, '[U] IPTE with the local-clearing control'],
      broadcastFlushCycles: [3000, '[U] CSP/IDTE broadcast purge: serializes with every CPU of the configuration'],
      broadcastFlushPerCpuCycles: [200, '[U] broadcast purge cost grows with the CPUs that must quiesce'],
      memcpyCyclesPerByte: [0.25, '[U] MVC/MVCLE copy, ~20 GB/s at 5.5 GHz'],
      copyUserCyclesPerByte: [0.3, '[U] copy_to_user via MVCOS, slightly slower than MVC'],
      bounceCopyCyclesPerByte: [0.5, '[U] memcpy_real: DAT off, interrupts off, MVCLE into the bounce page'],
      ioremapCycles: [0, 's390 copy_oldmem_page uses memcpy_real, no ioremap'],
      iounmapCycles: [0, 's390 copy_oldmem_page uses memcpy_real, no iounmap'],
      syscallCycles: [300, '[U] SVC entry/exit'],
      pageFaultCycles: [2000, '[U] program-check entry + do_dat_exception fast path'],
      pteSetCycles: [10, 'one store to a cached page-table page'],
      pteClearCycles: [200, 'IPTE: invalidating a PTE is an instruction that also purges TLBs'],
      tlbMissCycles: [60, '[U] DAT walk through region/segment tables, cached'],
      cacheLineTransferCycles: [300, '[U] cross-chip 256-byte line transfer'],
      lockUncontendedCycles: [50, '[U] CS (compare and swap) lock + store release'],
      contextSwitchCycles: [6000, '[U] wake-up + schedule + switch'],
    },
    symbols: {
      spinlock: 'arch_spin_lock_wait',
      readLock: '_raw_read_lock_wait',
      writeLock: '_raw_write_lock_wait',
      ipiSend: 'smp_call_function',
      ipiSendPerTarget: '',
      flushHandler: 'smp_call_function_interrupt',
      globalFlush: '__tlb_flush_global',
    },
    virt: {
      'kvm-ept': {
        description: 'KVM on s390 (SIE): guest DAT in hardware (the analogue of EPT); SIGP is intercepted',
        vmExitCycles: [1500, '[U] SIE exit + re-entry'],
        exits: { invlpg: false, cr3Write: false, cr4Write: false, ipiSend: true, pteWrite: false },
        handlingCycles: {
          invlpg: [0, 'no intercept'],
          cr3Write: [0, 'no intercept'],
          cr4Write: [0, 'no intercept'],
          ipiSend: [2000, '[U] SIGP interception handled by KVM'],
          pteWrite: [0, 'no intercept'],
        },
        tlbMissCycles: [120, '[U] nested DAT walk'],
      },
    },
  }),
);

export default s390;
