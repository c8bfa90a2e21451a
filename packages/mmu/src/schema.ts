// The ArchProfile contract: an architecture is data, validated by this schema. Every number in a profile carries
// its source in `sources` under the number's dot path ("costs.invlpgCycles": "Intel SDM …" or
// "calibrated: seed 000 …"); validation reports every missing source and every bad field at once.
import { z } from 'zod';

const pos = () => z.number().positive();
const nonneg = () => z.number().nonnegative();
const count = () => z.number().int().positive();
const pow2 = () =>
  z
    .number()
    .int()
    .positive()
    .refine((n) => (n & (n - 1)) === 0, 'must be a power of two');

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
  memcpyCyclesPerByte: nonneg(),
  /** Cycles per byte of copy_to_user / copy_from_user. */
  copyUserCyclesPerByte: nonneg(),
  /** s390 memcpy_real: copy with DAT off into a bounce buffer, cycles per byte (0 where there is none). */
  bounceCopyCyclesPerByte: nonneg(),
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
  rangeFlushCeilingPages: z.number().int().nonnegative(),
});

export const HighmemSchema = z.object({
  /** LAST_PKMAP without PAE. */
  pkmapEntries: count(),
  /** LAST_PKMAP with PAE (0 if the arch has no PAE). */
  pkmapEntriesPae: z.number().int().nonnegative(),
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

/** One cache level of one CPU (cache.ts models it as LRU sets; the geometry must give a power-of-two set count). */
export const CacheLevelSchema = z.object({
  /** Capacity of one instance, bytes. */
  sizeBytes: count(),
  /** Associativity (lines per set). */
  ways: count(),
  lineBytes: pow2(),
  /** A miss fetches this many bytes (P4 L2: a 128-byte sector of two lines); omit when equal to lineBytes. */
  sectorBytes: pow2().optional(),
  /** Load-to-use latency of a hit at this level. */
  hitCycles: nonneg(),
});

/** The memory hierarchy per CPU and what leaving it costs (packages/mmu/src/cache.ts). */
export const CacheSchema = z.object({
  l1d: CacheLevelSchema,
  l2: CacheLevelSchema,
  l3: CacheLevelSchema.optional(),
  /** A load that misses every level and is served by local memory. */
  memoryCycles: nonneg(),
  /** A load of a line modified in another CPU's cache (snoop hit, cache-to-cache transfer). */
  transferCycles: nonneg(),
  /** A store to a line other CPUs hold: the bus invalidation before it completes. */
  upgradeCycles: nonneg(),
  /** A LOCK-prefixed read-modify-write (or xchg) on a line this CPU already owns. */
  atomicCycles: nonneg(),
});

/** NUMA topology: CPUs grouped into nodes with their own memory (NUMA-Q quads). */
export const NumaSchema = z.object({
  nodes: count(),
  cpusPerNode: count(),
  /** A load served by another node's memory. */
  remoteMemoryCycles: nonneg(),
  /** A load of a line modified in a cache on another node. */
  remoteTransferCycles: nonneg(),
  /** Extra cost of delivering one IPI to a CPU on another node. */
  remoteIpiCycles: nonneg(),
});

export const ArchProfileSchema = z.object({
  name: z.string().regex(/^[a-z0-9][a-z0-9_.-]*$/, 'lowercase letters, digits, _ . - only'),
  description: z.string().min(1),
  wordBits: z.union([z.literal(32), z.literal(64)]),
  pageBytes: pow2(),
  cacheLineBytes: pow2(),
  defaultCpus: count(),
  maxCpus: count(),
  clockHz: pos(),
  /** Bytes of vmalloc address space. */
  vmallocBytes: pos(),
  /** sizeof(struct page). */
  structPageBytes: count(),
  /** Kernel HZ: readprofile's tick rate. */
  hz: count(),
  highmem: HighmemSchema.nullable(),
  tlb: TlbSchema,
  ipi: IpiSchema,
  costs: CostsSchema,
  symbols: SymbolsSchema,
  /** Optional: cache geometry and memory latencies, for models that follow lines through the caches (rmap). */
  cache: CacheSchema.optional(),
  /** Optional: NUMA nodes (absent = one node). */
  numa: NumaSchema.optional(),
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
export type ArchCache = z.infer<typeof CacheSchema>;
export type ArchCacheLevel = z.infer<typeof CacheLevelSchema>;
export type ArchNuma = z.infer<typeof NumaSchema>;
