// What the 2002 i386 machine profiles share: 2.5-era kernel facts, P6-core costs and caches, flat-APIC IPIs.
// Sources: shared/reference/sources-mm.md (§1.6 APIC modes, §4.2 L1_CACHE_BYTES, §4.5 hardware); "[U lo..hi]" =
// not found in a source, with a plausible range.
import type { Sourced } from '@kmemsim/mmu';

export const S = <N extends number>(v: N, why: string): readonly [N, string] => [v, why];

/** What every 2.5-era i386 machine here shares: page size, kernel layout, highmem, symbols, no virtualization. */
export const KERNEL_25 = {
  wordBits: S(32, 'i386'),
  pageBytes: S(4096, 'x86 base page size (Intel SDM vol. 3 §3.6)'),
  vmallocBytes: S(128 * 2 ** 20, '__VMALLOC_RESERVE = 128 MB (arch/i386/mm/init.c, 2.5)'),
  structPageBytes: S(
    40,
    'struct page of 2.5.27–2.6.6 on i386: flags, count, list, mapping, index, lru, pte union, private (40 bytes; ' +
      'no WANT_PAGE_VIRTUAL on i386) (include/linux/mm.h)',
  ),
  hz: S(1000, 'HZ = 1000 on i386 from 2.5.2 (include/asm-i386/param.h)'),
  highmem: {
    pkmapEntries: S(1024, 'LAST_PKMAP = 1024 without PAE (include/asm-i386/highmem.h)'),
    pkmapEntriesPae: S(512, 'LAST_PKMAP = 512 with PAE (include/asm-i386/highmem.h)'),
    kmTypeNr: S(13, '[U 11..15] enum km_type of 2.5 (KM_PTE0/1/2, KM_USER0/1, KM_IRQ0/1 …), taken as 2.6.27 has it'),
    kmapLocalSlots: S(16, 'KM_MAX_IDX = 16 (kmap_local_page is 5.11; unused on a 2002 kernel)'),
  },
  symbols: {
    spinlock: '_spin_lock',
    readLock: '_read_lock',
    writeLock: '_write_lock',
    ipiSend: 'smp_call_function',
    ipiSendPerTarget: '',
    flushHandler: 'smp_invalidate_interrupt',
    globalFlush: 'flush_tlb_all',
  },
  virt: {},
};

/** Costs of the 2.5 i386 kernel paths on a P6-core CPU, in cycles ([U] ranges: no 2002 measurement at hand). */
export function p6Costs(clockGHz: number, nsPerByte: number) {
  return {
    localFlushCycles: S(100, '[U 50..200] MOV CR3 on a P6 core, before the refill misses'),
    globalFlushPerCpuCycles: S(
      300,
      '[U 150..500] __flush_tlb_all: CR4.PGE toggle + CR3 reload (2.5 __flush_tlb_global)',
    ),
    invlpgCycles: S(60, '[U 25..100] INVLPG on a P6 core'),
    broadcastFlushCycles: S(0, 'no hardware-broadcast TLB invalidation on x86'),
    broadcastFlushPerCpuCycles: S(0, 'no hardware-broadcast TLB invalidation on x86'),
    memcpyCyclesPerByte: S(
      Math.round(clockGHz * nsPerByte * 1000) / 1000,
      `[U ${Math.round(clockGHz * nsPerByte * 700) / 1000}..${Math.round(clockGHz * nsPerByte * 1500) / 1000}] ` +
        `${nsPerByte} ns per byte copied or cleared (~${Math.round(1 / nsPerByte)} GB/s streaming on a P6 bus), at this clock`,
    ),
    copyUserCyclesPerByte: S(
      Math.round(clockGHz * nsPerByte * 1000) / 1000,
      '[U] __copy_to_user: rep movsl, at the memcpy rate',
    ),
    bounceCopyCyclesPerByte: S(0, 'no DAT-off bounce copy on i386'),
    ioremapCycles: S(2000, '[U 1000..4000] __ioremap: get_vm_area + page-table set-up'),
    iounmapCycles: S(1500, '[U 800..3000] iounmap: vfree of the area'),
    syscallCycles: S(250, '[U 150..400] int $0x80 entry + iret on a P6 core (sysenter only from 2.5.53)'),
    pageFaultCycles: S(1000, '[U 600..2000] #PF entry, do_page_fault, handle_mm_fault to the PTE, iret'),
    pteSetCycles: S(3, 'one 4-byte store to a cached page-table line'),
    pteClearCycles: S(3, 'one 4-byte store to a cached page-table line'),
    tlbMissCycles: S(20, '[U 10..40] two-level page walk hitting the caches'),
    contextSwitchCycles: S(3000, '[U 1500..6000] try_to_wake_up + schedule + switch_to on a P6 core'),
  };
}

/** IPIs on a flat-logical xAPIC (≤ 8 CPUs, all-but-self shorthand; sources-mm.md §1.6). */
export const FLAT_IPI = {
  sendCycles: S(200, '[U 100..400] ICR2+ICR write after apic_wait_icr_idle'),
  broadcastShorthand: true,
  deliveryCycles: S(500, '[U 300..1000] APIC bus / FSB interrupt message'),
  handlerEntryCycles: S(600, '[U 300..1200] interrupt entry + ack_APIC_irq + iret'),
  ackCycles: S(150, '[U 100..300] one cache-line transfer back to the sender'),
  callLock: true,
};

export const PIII_L1D = {
  sizeBytes: S(16384, 'Pentium III: 16 KB L1 data cache (Intel Pentium III datasheet)'),
  ways: S(4, 'Pentium III L1 data cache: 4-way (Intel Pentium III datasheet)'),
  lineBytes: S(32, 'P6 family: 32-byte cache lines (Intel Pentium III datasheet)'),
  hitCycles: S(3, 'P6 family: 3-cycle load-use latency on an L1 hit (Intel Architecture Optimization Manual)'),
};

export function p6Cache(o: {
  l2Bytes: Sourced;
  l2Hit: Sourced;
  memory: Sourced;
  transfer: Sourced;
  upgrade: Sourced;
  atomic: Sourced;
}) {
  return {
    l1d: PIII_L1D,
    l2: {
      sizeBytes: o.l2Bytes,
      ways: S(8, 'PIII Coppermine on-die L2: 8-way, 1024 sets of 32-byte lines (sources-mm.md §4.5)'),
      lineBytes: S(32, 'PIII Coppermine on-die L2: 32-byte lines (sources-mm.md §4.5)'),
      hitCycles: o.l2Hit,
    },
    memoryCycles: o.memory,
    transferCycles: o.transfer,
    upgradeCycles: o.upgrade,
    atomicCycles: o.atomic,
  };
}

export const P6_ATOMIC = S(
  20,
  '[U 15..35] LOCK-prefixed RMW on an owned L1 line, P6 core (a drain of the store buffer)',
);
