// Pentium III machines of 2002 (Coppermine and Tualatin, dual-processor), Linux 2.5.
import { defineArch, sourced } from '@kmemsim/mmu';
import { FLAT_IPI, KERNEL_25, P6_ATOMIC, p6Cache, p6Costs, S } from './kernel25.js';

/** The i386-piii arch profile: a 2002 dual Pentium III Coppermine 1 GHz PC, Linux 2.5. */
export const i386Piii = defineArch(
  sourced({
    name: 'i386-piii',
    description: '2002 PC: dual Pentium III Coppermine 1 GHz, 256 KiB L2, PC133 SDRAM; Linux 2.5',
    ...KERNEL_25,
    cacheLineBytes: S(32, 'L1_CACHE_BYTES = 32 for CONFIG_MPENTIUMIII (sources-mm.md §4.2)'),
    defaultCpus: S(2, 'a dual-processor board (the Coppermine PIII is DP-capable only)'),
    maxCpus: S(2, 'Pentium III (non-Xeon): up to two processors on one bus'),
    clockHz: S(1.0e9, 'Pentium III 1 GHz (Coppermine, 133 MHz FSB), a 2000–2002 part'),
    tlb: {
      entries: S(64, 'P6 family: 64-entry data TLB for 4 KB pages (Intel Pentium III datasheet)'),
      globalFlush: 'ipi',
      rangeFlushCeilingPages: S(0, 'flush_tlb_kernel_range() is flush_tlb_all() on i386 (sources-mm.md §1.4)'),
    },
    ipi: FLAT_IPI,
    costs: {
      ...p6Costs(1.0, 1.0),
      cacheLineTransferCycles: S(150, 'as cache.transferCycles'),
      lockUncontendedCycles: S(21, 'spin_lock (one LOCK decb, cache.atomicCycles) + spin_unlock (a plain movb store)'),
    },
    cache: p6Cache({
      l2Bytes: S(262_144, 'PIII Coppermine: 256 KiB on-die L2 (sources-mm.md §4.5)'),
      l2Hit: S(7, '[U 5..10] Coppermine Advanced Transfer Cache load latency'),
      memory: S(150, '[U 120..200] ns to PC133 SDRAM through the north bridge, at 1 GHz'),
      transfer: S(150, '[U 100..250] HITM snoop with implicit write-back on the P6 bus, about a memory access'),
      upgrade: S(60, '[U 30..100] bus invalidate transaction (no data phase) before a store to a shared line'),
      atomic: P6_ATOMIC,
    }),
  }),
);

/** The i386-tualatin arch profile: a 2002 dual Pentium III-S Tualatin 1.4 GHz server, Linux 2.5. */
export const i386Tualatin = defineArch(
  sourced({
    name: 'i386-tualatin',
    description: '2002 server: dual Pentium III-S Tualatin 1.4 GHz, 512 KiB L2; Linux 2.5',
    ...KERNEL_25,
    cacheLineBytes: S(32, 'L1_CACHE_BYTES = 32 for CONFIG_MPENTIUMIII (sources-mm.md §4.2)'),
    defaultCpus: S(2, 'a dual-processor board (PIII-S is DP-capable)'),
    maxCpus: S(2, 'Pentium III-S: up to two processors on one bus'),
    clockHz: S(1.4e9, 'Pentium III-S 1.4 GHz (Tualatin, 133 MHz FSB), a 2001–2002 part'),
    tlb: {
      entries: S(64, 'P6 family: 64-entry data TLB for 4 KB pages (Intel Pentium III datasheet)'),
      globalFlush: 'ipi',
      rangeFlushCeilingPages: S(0, 'flush_tlb_kernel_range() is flush_tlb_all() on i386 (sources-mm.md §1.4)'),
    },
    ipi: FLAT_IPI,
    costs: {
      ...p6Costs(1.4, 1.0),
      cacheLineTransferCycles: S(210, 'as cache.transferCycles'),
      lockUncontendedCycles: S(21, 'spin_lock (one LOCK decb, cache.atomicCycles) + spin_unlock (a plain movb store)'),
    },
    cache: p6Cache({
      l2Bytes: S(524_288, '[U] Tualatin PIII-S: 512 KiB on-die L2, organised like Coppermine (8-way, 32-byte lines)'),
      l2Hit: S(7, '[U 5..10] Tualatin on-die L2 load latency'),
      memory: S(210, '[U 170..280] 150 ns (120..200) to PC133 SDRAM, at 1.4 GHz'),
      transfer: S(210, '[U 140..350] HITM snoop with implicit write-back on the P6 bus, about a memory access'),
      upgrade: S(85, '[U 40..140] bus invalidate transaction before a store to a shared line'),
      atomic: P6_ATOMIC,
    }),
  }),
);
