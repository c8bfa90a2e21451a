// The ArchProfile contract: an architecture is data, validated by this schema. Every number in a profile carries
// its source in `sources` under the number's dot path ("costs.invlpgCycles": "Intel SDM …" or
// a calibrated marker naming its seed and figure); validation reports every missing source and every bad field at once.
// Each field is declared once, here, with its description (meaning, unit, valid range): the same text is the zod
// schema's description, the JSON Schema for plugin authors (archProfileJsonSchema) and `kmemsim arch init`'s stub.
// Objects are checked strictly by validate.ts (an unknown field is an error with a did-you-mean).
import { z } from 'zod';

// Every number is finite (zod 4) and bounded to physical sense, so no profile can turn a result into Infinity or
// make memory follow a silly value (a cycle count of 1e300, a clock of 1e-300 Hz, 2^40 pkmap slots).
/** Cycles of one operation: at most 1e9 (a second at 1 GHz), far above any real cost. */
const CYCLES_MAX = 1e9;
/** Cycles (or any count of a cost), ≥ 0 and ≤ max (default 1e9). */
const nonneg = (d: string, max = CYCLES_MAX) => z.number().nonnegative().max(max).describe(d);
/** A positive number ≤ max (default 1e9). */
const pos = (d: string, max = CYCLES_MAX) => z.number().positive().max(max).describe(d);
/** A positive integer ≤ max (default 2^20). */
const count = (d: string, max = 2 ** 20) => z.number().int().positive().max(max).describe(d);
const pow2 = (d: string, max = 2 ** 30) =>
  z
    .number()
    .int()
    .positive()
    .max(max)
    .refine((n) => Number.isSafeInteger(n) && 2 ** Math.round(Math.log2(n)) === n, 'must be a power of two')
    .describe(d);
const symbol = (d: string) => z.string().min(1).describe(d);

/**
 * The smallest sizeof(struct page) of any era: 32 bytes, eight 4-byte words on 32-bit 2.6 (flags, _count, _mapcount,
 * private, mapping, index, lru; include/linux/mm_types.h), the low end of "32–64 bytes depending on arch and era"
 * (shared/reference/kernel-mechanisms.md).
 */
export const STRUCT_PAGE_MIN_BYTES = 32;
/** The largest sizeof(struct page) a profile may give: 4× the 64 bytes of 64-bit 6.x, room for debug options. */
export const STRUCT_PAGE_MAX_BYTES = 256;

/** The virtualization modes by name: `none` (bare metal), `kvm-shadow`, `kvm-ept`, `xen-pv`. */
export const VIRT_MODES = ['none', 'kvm-shadow', 'kvm-ept', 'xen-pv'] as const;
/** One of {@link VIRT_MODES}. */
export type VirtModeName = (typeof VIRT_MODES)[number];

/** The arch profile's `costs` section: cycle costs of TLB flushes, copies, syscalls, faults, PTE writes and locks. */
export const CostsSchema = z
  .object({
    localFlushCycles: nonneg(
      'Local full TLB flush (CR3 reload / CR4.PGE toggle / ptc.e loop / PTLB), cycles ≥ 0 (at most 1e9).',
    ),
    globalFlushPerCpuCycles: nonneg(
      "A global flush's work on each CPU besides interrupt entry (the flush plus refill pressure), cycles ≥ 0 (at most 1e9).",
    ),
    invlpgCycles: nonneg('Single-address invalidation (invlpg / ptc.l / IPTE local), cycles ≥ 0 (at most 1e9).'),
    broadcastFlushCycles: nonneg(
      "Hardware-broadcast global flush issued by one CPU (CSP/IDTE), cycles ≥ 0; > 0 when tlb.globalFlush is 'broadcast'.",
    ),
    broadcastFlushPerCpuCycles: nonneg(
      'Extra cycles per online CPU of a hardware-broadcast flush (the broadcast quiesces every CPU), ≥ 0.',
    ),
    memcpyCyclesPerByte: nonneg('A cached kernel memcpy, cycles per byte, 0..1000.', 1000),
    copyUserCyclesPerByte: nonneg('copy_to_user / copy_from_user, cycles per byte, 0..1000.', 1000),
    bounceCopyCyclesPerByte: nonneg(
      's390 memcpy_real: copy with DAT off into a bounce buffer, cycles per byte, 0..1000 (0 where there is none).',
      1000,
    ),
    ioremapCycles: nonneg(
      'ioremap beyond the vmap area it takes (memtype reservation, page-table set-up), cycles ≥ 0 (at most 1e9).',
    ),
    iounmapCycles: nonneg('iounmap beyond the vunmap itself, cycles ≥ 0 (at most 1e9).'),
    syscallCycles: nonneg('System call entry + exit round trip, cycles ≥ 0 (at most 1e9).'),
    pageFaultCycles: nonneg('Minimal page-fault entry + handle_mm_fault fast path, cycles ≥ 0 (at most 1e9).'),
    pteSetCycles: nonneg('Writing one PTE, cycles ≥ 0 (at most 1e9).'),
    pteClearCycles: nonneg('Clearing one PTE, cycles ≥ 0 (at most 1e9).'),
    tlbMissCycles: nonneg('TLB miss: a hardware (or software, ia64 VHPT) page walk, cycles ≥ 0 (at most 1e9).'),
    cacheLineTransferCycles: nonneg(
      'Moving a cache line from another CPU (lock hand-off, bouncing counters), cycles ≥ 0 (at most 1e9).',
    ),
    lockUncontendedCycles: nonneg('Uncontended lock acquire + release, cycles ≥ 0 (at most 1e9).'),
    contextSwitchCycles: nonneg(
      'Wake-up of a sleeping task to running again (try_to_wake_up + schedule + switch), cycles ≥ 0 (at most 1e9).',
    ),
  })
  .describe('Costs of the basic operations on bare metal, in CPU cycles.');

export const IpiSchema = z
  .object({
    sendCycles: nonneg('Sending one IPI (ICR write, or the send routine per target), cycles ≥ 0 (at most 1e9).'),
    broadcastShorthand: z
      .boolean()
      .describe('One send reaches every other CPU (APIC all-but-self shorthand) instead of one send per target.'),
    deliveryCycles: nonneg('From the send to the target taking the interrupt, cycles ≥ 0 (at most 1e9).'),
    handlerEntryCycles: nonneg(
      'Interrupt entry + exit on a target, besides the handler work, cycles ≥ 0 (at most 1e9).',
    ),
    ackCycles: nonneg("A target's acknowledgement reaching the waiting sender, cycles ≥ 0 (at most 1e9)."),
    callLock: z
      .boolean()
      .describe('smp_call_function serializes callers on a global call_lock (i386/x86_64 before 2.6.27).'),
    // Additive (issue 10): APIC delivery modes.
    flatMaxCpus: count(
      'Up to this many CPUs one send reaches every target (flat logical mode: an 8-bit LDR); above it one send per ' +
        'target CPU (bigsmp/physflat). Integer ≥ 1; absent: no limit.',
    ).optional(),
    apicAccessesPerSend: count(
      'Guest APIC register accesses per IPI send (ICR idle poll + ICR2 + ICR writes), integer ≥ 1 (exits under KVM).',
    ).optional(),
  })
  .describe('Inter-processor interrupts (smp_call_function / on_each_cpu).');

export const TlbSchema = z
  .object({
    entries: count('Data TLB entries per CPU (modelled direct-mapped), integer 1..1048576.'),
    globalFlush: z
      .enum(['ipi', 'broadcast'])
      .describe("How a global kernel flush reaches other CPUs: 'ipi' shootdown or hardware 'broadcast'."),
    rangeFlushCeilingPages: z
      .number()
      .int()
      .nonnegative()
      .max(2 ** 32)
      .describe('Largest range flushed page by page, pages ≥ 0; larger ranges flush everything (0: always full).'),
  })
  .describe('Per-CPU translation lookaside buffer.');

export const HighmemSchema = z
  .object({
    pkmapEntries: count('LAST_PKMAP without PAE: pkmap slots, integer 1..65536.', 2 ** 16),
    pkmapEntriesPae: z
      .number()
      .int()
      .nonnegative()
      .max(2 ** 16)
      .describe('LAST_PKMAP with PAE, integer ≥ 0 (0 if the arch has no PAE); at most pkmapEntries.'),
    kmTypeNr: count('KM_TYPE_NR: kmap_atomic fixmap slots per CPU, integer 1..1024.', 1024),
    kmapLocalSlots: count('KM_MAX_IDX: kmap_local_page stack depth per task (5.11+), integer 1..1024.', 1024),
  })
  .describe('Highmem geometry of a 32-bit arch (null on 64-bit arches, which map all memory).');

export const SymbolsSchema = z
  .object({
    spinlock: symbol('Symbol charged with spinlock acquire and contention (_spin_lock).'),
    readLock: symbol('Symbol charged with rwlock read acquire (_read_lock).'),
    writeLock: symbol('Symbol charged with rwlock write acquire (_write_lock).'),
    ipiSend: symbol('Symbol of the IPI send routine (smp_call_function, on_each_cpu).'),
    ipiSendPerTarget: z
      .string()
      .describe("Per-target send routine if it shows separately in profiles (ia64 sn2: sn_send_IPI_phys); else ''."),
    flushHandler: symbol('Symbol of the TLB-flush IPI handler on targets (smp_invalidate_interrupt).'),
    globalFlush: symbol('Symbol of the global flush routine on the sender (flush_tlb_all).'),
    // Additive (issue 10): where the call differs with the number of targets.
    ipiSendMany: symbol(
      'Sender symbol with more than one target (smp_call_function_many); absent: ipiSend.',
    ).optional(),
    flushHandlerMany: symbol(
      'Handler symbol with more than one target (smp_call_function_interrupt); absent: flushHandler.',
    ).optional(),
    ipiSendSequence: symbol(
      'Send routine when one send cannot reach every target (default_send_IPI_mask_sequence_phys); absent: ipiSendPerTarget.',
    ).optional(),
  })
  .describe('Kernel symbol names the profiler charges, as real profiles of this arch and era show them.');

/** One cache level of one CPU (cache.ts models it as LRU sets; the geometry must give a power-of-two set count). */
export const CacheLevelSchema = z
  .object({
    sizeBytes: count('Capacity of one instance of this level, bytes (integer 1..2^28).', 2 ** 28),
    ways: count('Associativity: lines per set (integer 1..65536).', 2 ** 16),
    lineBytes: pow2('Line size in bytes, a power of two ≤ 4096.', 4096),
    sectorBytes: pow2(
      'Bytes one miss fetches (P4 L2: a 128-byte sector of two lines), a power of two ≤ 4096; omit when equal to lineBytes.',
      4096,
    ).optional(),
    hitCycles: nonneg('Load-to-use latency of a hit at this level, cycles ≥ 0 (at most 1e9).'),
  })
  .describe('One cache level of one CPU.');

/** The memory hierarchy per CPU and what leaving it costs (packages/mmu/src/cache.ts). */
export const CacheSchema = z
  .object({
    l1d: CacheLevelSchema,
    l2: CacheLevelSchema,
    l3: CacheLevelSchema.optional(),
    memoryCycles: nonneg('A load that misses every level and is served by local memory, cycles ≥ 0 (at most 1e9).'),
    transferCycles: nonneg(
      "A load of a line modified in another CPU's cache (snoop hit, cache-to-cache transfer), cycles ≥ 0 (at most 1e9).",
    ),
    upgradeCycles: nonneg(
      'A store to a line other CPUs hold: the bus invalidation before it completes, cycles ≥ 0 (at most 1e9).',
    ),
    atomicCycles: nonneg(
      'A LOCK-prefixed read-modify-write (or xchg) on a line this CPU owns, cycles ≥ 0 (at most 1e9).',
    ),
  })
  .describe('Cache geometry and memory latencies, for models that follow lines through the caches (rmap).');

/** NUMA topology: CPUs grouped into nodes with their own memory (NUMA-Q quads). */
export const NumaSchema = z
  .object({
    nodes: count('NUMA nodes (integer 1..4096).', 4096),
    cpusPerNode: count('CPUs per node (integer 1..1048576).'),
    remoteMemoryCycles: nonneg("A load served by another node's memory, cycles ≥ 0 (at most 1e9)."),
    remoteTransferCycles: nonneg('A load of a line modified in a cache on another node, cycles ≥ 0 (at most 1e9).'),
    remoteIpiCycles: nonneg('Extra cost of delivering one IPI to a CPU on another node, cycles ≥ 0 (at most 1e9).'),
  })
  .describe('NUMA nodes (absent = one node).');

const trapFlag = (op: string) => z.boolean().describe(`${op} traps to the hypervisor.`);
const trapCost = (op: string) =>
  nonneg(`Hypervisor work per trapped ${op}, beyond the exit itself (shadow-PTE invalidate, resync …), cycles ≥ 0.`);

/**
 * Costs of the virtualization mechanism modelled in mmu's virt layer (virt-ops.ts; issue 10, additive: a profile
 * without them falls back to vmExitCycles + handlingCycles). Cycles per event; each is what the named host code does.
 */
export const VirtMechanismSchema = z
  .object({
    pageFaultHandlingCycles: nonneg(
      'Page-fault exit on a trapping shadow PTE: guest walk, gfn_to_pfn, FNAME(fetch), rmap_add (kvm-shadow), cycles ≥ 0.',
    ),
    ptWriteEmulationCycles: nonneg(
      'A write to a write-protected guest page table emulated (emulate_instruction + kvm_mmu_pte_write), cycles ≥ 0.',
    ),
    unsyncCycles: nonneg(
      'kvm_unsync_page: mark the shadow page and its parents unsync, convert notrap sptes, cycles ≥ 0.',
    ),
    syncCyclesPerSpte: nonneg('kvm_sync_page: read one guest PTE and rebuild or zap its spte, cycles ≥ 0.'),
    prefetchCyclesPerSpte: nonneg(
      'FNAME(prefetch_page) when a shadow page is built, per spte: its share of the 256-byte guest reads and the ' +
        'trap/notrap store, cycles ≥ 0 (absent: syncCyclesPerSpte).',
    ).optional(),
    rmapRemoveCycles: nonneg(
      'rmap_remove of one spte a resync zaps (kvm_set_pfn_accessed, kvm_release_pfn_*, gfn_to_rmap, rmap desc), ' +
        'cycles ≥ 0 (absent: included in syncCyclesPerSpte).',
    ).optional(),
    rootReloadCycles: nonneg('kvm_mmu_load after a CR3/CR4 write: mmu_alloc_roots + set_cr3, cycles ≥ 0.'),
    apicAccessCycles: nonneg('Emulating one xAPIC register access (ICR, ICR2, EOI), cycles ≥ 0.'),
    kickCycles: nonneg('kvm_vcpu_kick of a halted vCPU: its host thread woken until it re-enters, cycles ≥ 0.'),
    kickCallCycles: nonneg("The sender's part of each kick (apic_send_ipi kicks the targets one by one), cycles ≥ 0."),
    remoteFlushCycles: nonneg('kvm_flush_remote_tlbs / a host IPI to another vCPU’s pCPU, waited for, cycles ≥ 0.'),
    pioCycles: nonneg('An emulated port I/O access handled in user space (QEMU), beyond the exit, cycles ≥ 0.'),
    refillCyclesPerCall: nonneg(
      'Guest cycles a kernel function pays after an exit that flushed the TLB (no VPID), once per stretch, ≥ 0.',
    ),
    maxVcpus: count('Most vCPUs the hypervisor gives one guest (KVM_MAX_VCPUS), integer ≥ 1.'),
  })
  .describe('What the virt mechanism charges per guest operation (mmu virt-ops.ts).');

/** One virt mode of the arch profile: the VM-exit cost, which guest operations exit, the handling costs. */
export const VirtOverrideSchema = z
  .object({
    description: z.string().min(1).describe('What this virtualization mode is (hypervisor, paging mode, era).'),
    vmExitCycles: nonneg(
      'One guest exit + re-entry (VMEXIT/VMRUN round trip, or a hypercall), cycles ≥ 0 (at most 1e9).',
    ),
    exits: z
      .object({
        invlpg: trapFlag('invlpg'),
        cr3Write: trapFlag('A CR3 write'),
        cr4Write: trapFlag('A CR4 write'),
        ipiSend: trapFlag('An IPI send (APIC ICR write)'),
        pteWrite: trapFlag('A guest page-table write'),
      })
      .describe('Operations that trap to the hypervisor, each paying vmExitCycles plus its handlingCycles.'),
    handlingCycles: z
      .object({
        invlpg: trapCost('invlpg'),
        cr3Write: trapCost('CR3 write'),
        cr4Write: trapCost('CR4 write'),
        ipiSend: trapCost('IPI send'),
        pteWrite: trapCost('page-table write'),
      })
      .describe('Hypervisor work per trapped operation.'),
    tlbMissCycles: nonneg(
      'TLB miss under this mode (2-D walks under EPT are longer), cycles ≥ 0 (at most 1e9).',
    ).optional(),
    mechanism: VirtMechanismSchema.optional(),
  })
  .describe('A virtualization mode: which guest operations trap, and what each costs.');

/** The `virt` block: one optional override per mode in VIRT_MODES (besides 'none'), so modes are checked by name. */
const VirtModesSchema = z
  .object(
    Object.fromEntries(VIRT_MODES.filter((m) => m !== 'none').map((m) => [m, VirtOverrideSchema.optional()])) as {
      [K in Exclude<VirtModeName, 'none'>]: z.ZodOptional<typeof VirtOverrideSchema>;
    },
  )
  .describe(`Virtualization modes this arch offers, by name (${VIRT_MODES.filter((m) => m !== 'none').join(', ')}).`);

/**
 * The zod schema of an arch plugin profile. Strict: an unknown field is an error (with a did-you-mean); every field
 * carries its meaning, unit and range as its description, which also feeds the exported JSON Schema.
 */
export const ArchProfileSchema = z
  .object({
    $schema: z.string().optional().describe('JSON Schema reference, for editors (JSON plugin files).'),
    name: z
      .string()
      .regex(/^[a-z0-9][a-z0-9_.-]*$/, 'lowercase letters, digits, _ . - only')
      .describe('Arch name as --arch takes it: lowercase letters, digits, _ . - (e.g. riscv64).'),
    description: z.string().min(1).describe('One line: the machine and era this profile describes.'),
    wordBits: z.literal([32, 64]).describe('Word size in bits: 32 or 64.'),
    pageBytes: pow2('Base page size in bytes, a power of two (4096), at most 2^30.'),
    cacheLineBytes: pow2('Cache-line size in bytes, a power of two (64), at most 4096.', 4096),
    defaultCpus: count('CPUs of the default machine, integer 1..maxCpus.'),
    maxCpus: count('Most CPUs the arch supports (NR_CPUS), integer 1..1048576.'),
    clockHz: z
      .number()
      .min(1e6)
      .max(1e11)
      .describe('CPU clock rate in Hz, 1e6 to 1e11 (1 MHz to 100 GHz): turns cycles into seconds.'),
    vmallocBytes: pos('Bytes of vmalloc address space, > 0 and at most 2^64.', 2 ** 64),
    structPageBytes: z
      .number()
      .int()
      .min(STRUCT_PAGE_MIN_BYTES)
      .max(STRUCT_PAGE_MAX_BYTES)
      .describe(
        `sizeof(struct page) in bytes: whole words (a multiple of wordBits / 8), ${STRUCT_PAGE_MIN_BYTES}..${STRUCT_PAGE_MAX_BYTES}.`,
      ),
    hz: count("Kernel HZ, ticks per second (integer 1..100000): readprofile's tick rate.", 100_000),
    highmem: HighmemSchema.nullable(),
    tlb: TlbSchema,
    ipi: IpiSchema,
    costs: CostsSchema,
    symbols: SymbolsSchema,
    virt: VirtModesSchema,
    cache: CacheSchema.optional(),
    numa: NumaSchema.optional(),
    sources: z
      .record(z.string(), z.string().min(1))
      .describe('Where each number comes from, keyed by its dot path ("costs.invlpgCycles": "Intel SDM …").'),
  })
  .describe('A kmemsim architecture plugin profile (@kmemsim/mmu ArchProfile).');

/**
 * An arch plugin profile: machine geometry, costs in cycles, virt modes and a source for every number (see
 * {@link ArchProfileSchema} for each field's meaning, unit and range). Write one with `defineArch(sourced({...}))`.
 */
export type ArchProfile = z.infer<typeof ArchProfileSchema>;
/** The `costs` section of an arch profile (cycles; see {@link CostsSchema}). */
export type ArchCosts = z.infer<typeof CostsSchema>;
/** One virt mode of an arch profile (see {@link VirtOverrideSchema}). */
export type VirtOverride = z.infer<typeof VirtOverrideSchema>;
/** Host-side mechanism costs of a virt mode (see {@link VirtMechanismSchema}). */
export type VirtMechanismCosts = z.infer<typeof VirtMechanismSchema>;
/** The `cache` section of an arch profile (see {@link CacheSchema}). */
export type ArchCache = z.infer<typeof CacheSchema>;
/** One cache level of an arch profile (see {@link CacheLevelSchema}). */
export type ArchCacheLevel = z.infer<typeof CacheLevelSchema>;
/** The `numa` section of an arch profile (see {@link NumaSchema}). */
export type ArchNuma = z.infer<typeof NumaSchema>;
