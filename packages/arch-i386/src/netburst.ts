// NetBurst machines of 2002 (Linux 2.5): a dual Xeon DP (Northwood core) and a 4-way Xeon MP with its L3. The
// kernel is built for the P4 (L1_CACHE_BYTES 128, the L2 sector), the hardware caches have 64-byte lines.
import { defineArch, sourced } from '@kmemsim/mmu';
import { FLAT_IPI, KERNEL_25, S } from './kernel25.js';

function netburstCosts(clockGHz: number) {
  const ns = (x: number) => Math.round(x * clockGHz * 1000) / 1000;
  return {
    localFlushCycles: S(500, '[U 200..1000] MOV CR3 on NetBurst (the trace cache and TLBs refill)'),
    globalFlushPerCpuCycles: S(1000, '[U 500..2000] __flush_tlb_all: CR4.PGE toggle + CR3 reload'),
    invlpgCycles: S(200, '[U 100..500] INVLPG on NetBurst'),
    broadcastFlushCycles: S(0, 'no hardware-broadcast TLB invalidation on x86'),
    broadcastFlushPerCpuCycles: S(0, 'no hardware-broadcast TLB invalidation on x86'),
    memcpyCyclesPerByte: S(
      ns(0.6),
      `[U ${ns(0.4)}..${ns(0.8)}] 0.6 ns per byte copied or cleared (~1.7 GB/s from DDR266/RDRAM), at this clock`,
    ),
    copyUserCyclesPerByte: S(ns(0.6), '[U] __copy_to_user: rep movsl, at the memcpy rate'),
    bounceCopyCyclesPerByte: S(0, 'no DAT-off bounce copy on i386'),
    ioremapCycles: S(4000, '[U 2000..8000] __ioremap: get_vm_area + page-table set-up'),
    iounmapCycles: S(3000, '[U 1500..6000] iounmap: vfree of the area'),
    syscallCycles: S(800, '[U 500..1200] int $0x80 entry + iret, slow on NetBurst (sysenter only from 2.5.53)'),
    pageFaultCycles: S(2500, '[U 1500..4000] #PF entry, do_page_fault, handle_mm_fault to the PTE, iret'),
    pteSetCycles: S(3, 'one 4-byte store to a cached page-table line'),
    pteClearCycles: S(3, 'one 4-byte store to a cached page-table line'),
    tlbMissCycles: S(40, '[U 20..80] two-level page walk hitting the caches'),
    contextSwitchCycles: S(6000, '[U 4000..10000] try_to_wake_up + schedule + switch_to on NetBurst'),
  };
}

const NETBURST_L1D = {
  sizeBytes: S(8192, 'P4/Xeon models 0–2: L1D 8 KiB (sources-mm.md §4.5)'),
  ways: S(4, 'P4/Xeon models 0–2: L1D 4-way (sources-mm.md §4.5)'),
  lineBytes: S(64, 'P4/Xeon models 0–2: L1D 64-byte lines (sources-mm.md §4.5)'),
  hitCycles: S(2, 'NetBurst: 2-cycle integer load latency on an L1 hit (Intel IA-32 Optimization Manual)'),
};

function netburstL2(bytes: number, why: string) {
  return {
    sizeBytes: S(bytes, why),
    ways: S(8, 'P4/Xeon L2: 8-way (sources-mm.md §4.5)'),
    lineBytes: S(64, 'P4/Xeon L2: 64-byte lines (sources-mm.md §4.5)'),
    sectorBytes: S(128, 'P4/Xeon L2: a miss fetches the 128-byte two-line sector (sources-mm.md §4.5)'),
    hitCycles: S(16, '[U 7..20] NetBurst L2 load latency'),
  };
}

const NETBURST_ATOMIC = S(100, '[U 70..150] LOCK-prefixed RMW on an owned line, NetBurst (a full pipeline drain)');

const TLB = {
  entries: S(64, 'NetBurst: 64-entry data TLB (Intel IA-32 Optimization Manual, Table 1-1)'),
  globalFlush: 'ipi',
  rangeFlushCeilingPages: S(0, 'flush_tlb_kernel_range() is flush_tlb_all() on i386 (sources-mm.md §1.4)'),
} as const;

/** The i386-p4 arch profile: a 2002 dual Xeon DP 2.4 GHz (NetBurst, Northwood) server running Linux 2.5. */
export const i386P4 = defineArch(
  sourced({
    name: 'i386-p4',
    description: '2002 server: dual Xeon DP 2.4 GHz (Northwood core), 512 KiB L2, DDR266; Linux 2.5',
    ...KERNEL_25,
    cacheLineBytes: S(128, 'L1_CACHE_BYTES = 128 for CONFIG_MPENTIUM4 (sources-mm.md §4.2)'),
    defaultCpus: S(2, 'a dual-processor Xeon DP board'),
    maxCpus: S(2, 'Xeon DP: up to two processors on one bus'),
    clockHz: S(2.4e9, 'Xeon DP 2.4 GHz (Prestonia, Northwood core, 400 MHz FSB), a 2002 part'),
    tlb: TLB,
    ipi: FLAT_IPI,
    costs: {
      ...netburstCosts(2.4),
      cacheLineTransferCycles: S(350, 'as cache.transferCycles'),
      lockUncontendedCycles: S(101, 'spin_lock (one LOCK decb, cache.atomicCycles) + spin_unlock (a plain movb store)'),
    },
    cache: {
      l1d: NETBURST_L1D,
      l2: netburstL2(524_288, 'Northwood: 512 KiB L2 (sources-mm.md §4.5)'),
      memoryCycles: S(320, '[U 240..400] ~130 ns to DDR266 through the E7500 north bridge, at 2.4 GHz'),
      transferCycles: S(350, '[U 250..450] snoop hit on a modified line, cache-to-cache over the 400 MHz FSB'),
      upgradeCycles: S(120, '[U 80..200] bus invalidate transaction before a store to a shared line'),
      atomicCycles: NETBURST_ATOMIC,
    },
  }),
);

/** The i386-xeonmp arch profile: a 2002 4-way Xeon MP 1.6 GHz (Foster MP) on one shared FSB, Linux 2.5. */
export const i386XeonMp = defineArch(
  sourced({
    name: 'i386-xeonmp',
    description: '2002 server: 4-way Xeon MP 1.6 GHz (Foster MP), 256 KiB L2 + 1 MiB L3, one shared FSB; Linux 2.5',
    ...KERNEL_25,
    cacheLineBytes: S(128, 'L1_CACHE_BYTES = 128 for CONFIG_MPENTIUM4 (sources-mm.md §4.2)'),
    defaultCpus: S(4, 'a 4-way Xeon MP server'),
    maxCpus: S(8, 'flat logical APIC: at most 8 CPUs (sources-mm.md §1.6)'),
    clockHz: S(1.6e9, 'Xeon MP 1.6 GHz (Foster MP, 400 MHz FSB), a 2002 part'),
    tlb: TLB,
    ipi: FLAT_IPI,
    costs: {
      ...netburstCosts(1.6),
      cacheLineTransferCycles: S(260, 'as cache.transferCycles'),
      lockUncontendedCycles: S(101, 'spin_lock (one LOCK decb, cache.atomicCycles) + spin_unlock (a plain movb store)'),
    },
    cache: {
      l1d: NETBURST_L1D,
      l2: netburstL2(262_144, 'Xeon MP (Foster MP, model 1): 256 KiB L2 (sources-mm.md §4.5)'),
      l3: {
        sizeBytes: S(1_048_576, 'Xeon MP L3: 0.5/1/2 MiB; the 1 MiB part (sources-mm.md §4.5)'),
        ways: S(8, 'Xeon MP L3: 8-way (sources-mm.md §4.5)'),
        lineBytes: S(64, '[U] Xeon MP L3: 64-byte lines, as the L2'),
        sectorBytes: S(128, '[U] Xeon MP L3: 128-byte sectors, as the L2'),
        hitCycles: S(40, '[U 30..60] Xeon MP on-die L3 load latency'),
      },
      memoryCycles: S(260, '[U 200..340] ~160 ns to memory behind a 4-way chipset (more bus load), at 1.6 GHz'),
      transferCycles: S(260, '[U 180..360] snoop hit on a modified line, cache-to-cache over the shared FSB'),
      upgradeCycles: S(100, '[U 60..160] bus invalidate transaction before a store to a shared line'),
      atomicCycles: NETBURST_ATOMIC,
    },
  }),
);
