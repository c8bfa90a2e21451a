// IBM (Sequent) NUMA-Q of 2002, the machine of seed 004: four quads of four Pentium III Xeon 700 MHz, each quad with
// its own memory, joined by the IQ-Link; Linux 2.5 in clustered-APIC mode. The IQ-Link's remote cache is not
// modelled (no source here): remote lines cost a remote memory access each time they leave the CPU caches.
import { defineArch, sourced } from '@kmemsim/mmu';
import { KERNEL_25, P6_ATOMIC, p6Cache, p6Costs, S } from './kernel25.js';

/**
 * The i386-numaq arch profile: a 2002 NUMA-Q with 16 Pentium III Xeon 700 MHz in 4 quads (remote memory about
 * 3.5× local), Linux 2.5.
 */
export const i386Numaq = defineArch(
  sourced({
    name: 'i386-numaq',
    description: '2002 NUMA-Q: 16 Pentium III Xeon 700 MHz in 4 quads, remote memory ~3.5× local; Linux 2.5',
    ...KERNEL_25,
    cacheLineBytes: S(32, 'L1_CACHE_BYTES = 32: NUMA-Q has no override and follows the PIII (sources-mm.md §4.2)'),
    defaultCpus: S(16, 'the 16-way (4-quad) NUMA-Q of the 2.5 work'),
    maxCpus: S(16, 'this machine: 4 quads × 4 CPUs (NR_CPUS is 32 for NUMAQ, sources-mm.md §1.6)'),
    clockHz: S(7.0e8, '[U] Pentium III Xeon 700 MHz (Cascades), the NUMA-Q CPU of 2000–2002'),
    tlb: {
      entries: S(64, 'P6 family: 64-entry data TLB for 4 KB pages (Intel Pentium III datasheet)'),
      globalFlush: 'ipi',
      rangeFlushCeilingPages: S(0, 'flush_tlb_kernel_range() is flush_tlb_all() on i386 (sources-mm.md §1.4)'),
    },
    ipi: {
      sendCycles: S(150, '[U 100..300] one ICR2+ICR write pair after apic_wait_icr_idle'),
      broadcastShorthand: false,
      deliveryCycles: S(400, '[U 200..800] interrupt message within a quad'),
      handlerEntryCycles: S(500, '[U 300..1000] interrupt entry + ack_APIC_irq + iret'),
      ackCycles: S(140, '[U 100..300] one cache-line transfer back to the sender'),
      callLock: true,
    },
    costs: {
      ...p6Costs(0.7, 1.3),
      cacheLineTransferCycles: S(140, 'as cache.transferCycles'),
      lockUncontendedCycles: S(21, 'spin_lock (one LOCK decb, cache.atomicCycles) + spin_unlock (a plain movb store)'),
    },
    cache: p6Cache({
      l2Bytes: S(1_048_576, '[U] Pentium III Xeon 700 (Cascades): 1 MiB L2 (1 or 2 MiB parts), 8-way, 32-byte lines'),
      l2Hit: S(7, '[U 5..10] Cascades full-speed L2 load latency'),
      memory: S(140, '[U 105..175] 150..250 ns to quad-local memory, at 700 MHz'),
      transfer: S(140, '[U 100..200] HITM snoop within a quad (P6 bus)'),
      upgrade: S(50, '[U 30..80] bus invalidate transaction within a quad'),
      atomic: P6_ATOMIC,
    }),
    numa: {
      nodes: S(4, 'four quads (sources-mm.md §4.5: NUMA-Q of 4-CPU quads)'),
      cpusPerNode: S(4, 'four CPUs per quad (sources-mm.md §4.5)'),
      remoteMemoryCycles: S(
        490,
        '[U 420..560] remote memory takes "three or four times as long" as local (Sequent, via TechMonitor; ' +
          'sources-mm.md §4.5): 3.5 × cache.memoryCycles',
      ),
      remoteTransferCycles: S(520, '[U 420..700] a line modified in another quad: a remote access plus the snoop'),
      remoteIpiCycles: S(700, '[U 300..1500] an interrupt message crossing the IQ-Link to another quad'),
    },
  }),
);
