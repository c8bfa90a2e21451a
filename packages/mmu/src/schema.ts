// The ArchProfile contract: an architecture is data, validated by this schema. Every number in a profile carries
// its source in `sources` under the number's dot path ("costs.invlpgCycles": "Intel SDM …" or
// "calibrated: seed 000 …"); validation reports every missing source and every bad field at once.
import { z } from 'zod';

// Every number is finite (zod 4) and bounded to physical sense, so no profile can turn a result into Infinity.
/** Cycles of one operation: up to 1e9 (a second at 1 GHz) — far above any real cost. */
const CYCLES_MAX = 1e9;
const pos = (max = CYCLES_MAX) => z.number().positive().max(max);
const nonneg = (max = CYCLES_MAX) => z.number().nonnegative().max(max);
const count = (max = 2 ** 20) => z.number().int().positive().max(max);
/** A power of two in [min, max], exactly: `n & (n - 1)` would truncate to 32 bits and pass 3 × 2^32. */
const pow2 = (min: number, max: number) =>
  z
    .number()
    .int()
    .min(min)
    .max(max)
    .refine((n) => Number.isSafeInteger(n) && 2 ** Math.round(Math.log2(n)) === n, 'must be a power of two');

export const VIRT_MODES = ['none', 'kvm-shadow', 'kvm-ept', 'xen-pv'] as const;
export type VirtModeName = (typeof VIRT_MODES)[number];

export const CostsSchema = z.object({
  /** Local TLB flush (CR3 reload / CR4.PGE toggle / ptc.e loop / PTLB). */
  localFlushCycles: nonneg(),
  /** A global flush's work on each CPU besides interrupt entry (the flush itself plus refill pressure). */
  globalFlushPerCpuCycles: nonneg(),
  /** Single-address invalidation (invlpg / ptc.l / IPTE local). */
  invlpgCycles: nonneg(),
  /** Hardware-broadcast global flush issued by one CPU (CSP/IDTE), for tlb.globalFlush = 'broadcast'. */
  broadcastFlushCycles: nonneg(),
  /** Extra cycles per online CPU of a hardware-broadcast flush (the broadcast quiesces every CPU). */
  broadcastFlushPerCpuCycles: nonneg(),
  /** Cycles per byte of a cached memcpy in the kernel. */
  memcpyCyclesPerByte: nonneg(1000),
  /** Cycles per byte of copy_to_user / copy_from_user. */
  copyUserCyclesPerByte: nonneg(1000),
  /** s390 memcpy_real: copy with DAT off into a bounce buffer, cycles per byte (0 where there is none). */
  bounceCopyCyclesPerByte: nonneg(1000),
  ioremapCycles: nonneg(),
  iounmapCycles: nonneg(),
  syscallCycles: nonneg(),
  pageFaultCycles: nonneg(),
  pteSetCycles: nonneg(),
  pteClearCycles: nonneg(),
  /** TLB miss: a hardware (or software, ia64 VHPT) page walk. */
  tlbMissCycles: nonneg(),
  /** Moving a cache line from another CPU (lock hand-off, bouncing counters). */
  cacheLineTransferCycles: nonneg(),
  /** Uncontended lock acquire + release. */
  lockUncontendedCycles: nonneg(),
  /** Wake-up of a sleeping task to running again (try_to_wake_up + schedule + switch). */
  contextSwitchCycles: nonneg(),
});

export const IpiSchema = z.object({
  sendCycles: nonneg(),
  broadcastShorthand: z.boolean(),
  deliveryCycles: nonneg(),
  handlerEntryCycles: nonneg(),
  ackCycles: nonneg(),
  /** smp_call_function serializes callers on a global call_lock (i386/x86_64 before 2.6.27). */
  callLock: z.boolean(),
});

export const TlbSchema = z.object({
  /** Data TLB entries per CPU (modelled direct-mapped). */
  entries: count(),
  /** How a global kernel flush reaches other CPUs. */
  globalFlush: z.enum(['ipi', 'broadcast']),
  /** Largest range flushed page by page; larger ranges flush everything. 0: every range flush is a full flush. */
  rangeFlushCeilingPages: z
    .number()
    .int()
    .nonnegative()
    .max(2 ** 32),
});

export const HighmemSchema = z.object({
  /** LAST_PKMAP without PAE. */
  pkmapEntries: count(),
  /** LAST_PKMAP with PAE (0 if the arch has no PAE). */
  pkmapEntriesPae: z
    .number()
    .int()
    .nonnegative()
    .max(2 ** 20),
  /** KM_TYPE_NR: kmap_atomic fixmap slots per CPU. */
  kmTypeNr: count(),
  /** kmap_local_page stack depth per task (KM_MAX_IDX, 5.11+). */
  kmapLocalSlots: count(),
});

export const SymbolsSchema = z.object({
  spinlock: z.string().min(1),
  readLock: z.string().min(1),
  writeLock: z.string().min(1),
  ipiSend: z.string().min(1),
  /** Per-target send routine if it shows separately in profiles (ia64 sn2: sn_send_IPI_phys); else ''. */
  ipiSendPerTarget: z.string(),
  flushHandler: z.string().min(1),
  globalFlush: z.string().min(1),
});

export const VirtOverrideSchema = z.object({
  description: z.string().min(1),
  /** One guest exit + re-entry (VMEXIT/VMRUN round trip, or a hypercall). */
  vmExitCycles: nonneg(),
  /** Operations that trap to the hypervisor, each paying vmExitCycles plus its handling below. */
  exits: z.object({
    invlpg: z.boolean(),
    cr3Write: z.boolean(),
    cr4Write: z.boolean(),
    ipiSend: z.boolean(),
    pteWrite: z.boolean(),
  }),
  /** Hypervisor work per trapped operation, beyond the exit itself (shadow-PTE invalidate, resync …). */
  handlingCycles: z.object({
    invlpg: nonneg(),
    cr3Write: nonneg(),
    cr4Write: nonneg(),
    ipiSend: nonneg(),
    pteWrite: nonneg(),
  }),
  /** TLB miss cost under this mode (2D walks under EPT are longer). */
  tlbMissCycles: nonneg().optional(),
});

export const ArchProfileSchema = z.object({
  name: z.string().regex(/^[a-z0-9][a-z0-9_.-]*$/, 'lowercase letters, digits, _ . - only'),
  description: z.string().min(1),
  wordBits: z.union([z.literal(32), z.literal(64)]),
  pageBytes: pow2(512, 2 ** 30),
  cacheLineBytes: pow2(8, 4096),
  defaultCpus: count(),
  maxCpus: count(),
  /** 1 MHz to 100 GHz. */
  clockHz: z.number().min(1e6).max(1e11),
  /** Bytes of vmalloc address space (at most 2^64). */
  vmallocBytes: pos(2 ** 64),
  /** sizeof(struct page). */
  structPageBytes: count(4096),
  /** Kernel HZ: readprofile's tick rate. */
  hz: count(100_000),
  highmem: HighmemSchema.nullable(),
  tlb: TlbSchema,
  ipi: IpiSchema,
  costs: CostsSchema,
  symbols: SymbolsSchema,
  virt: z.object({
    'kvm-shadow': VirtOverrideSchema.optional(),
    'kvm-ept': VirtOverrideSchema.optional(),
    'xen-pv': VirtOverrideSchema.optional(),
  }),
  /** Where each number comes from, keyed by its dot path. */
  sources: z.record(z.string(), z.string().min(1)),
});

export type ArchProfile = z.infer<typeof ArchProfileSchema>;
export type ArchCosts = z.infer<typeof CostsSchema>;
export type VirtOverride = z.infer<typeof VirtOverrideSchema>;
