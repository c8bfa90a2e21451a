// The checkpoint workload (seed 000): a kernel c/r patch set dumps every page of a process into a file on ext3.
// Per page, checkpoint_dump_page maps the user page (kmap | kmap_atomic | kmap_local), copies it into a scratch
// buffer, unmaps it and writes the buffer through the page cache: the write path's kmap_atomic of the page-cache
// page and __copy_from_user_ll_nozero into it, the block, journaling and page-cache functions of write.ts, the
// rest of the path as one (unmodelled) row, and writeback to an IDE disk that runs asynchronously, each writer
// throttled at the dirty limit (balance_dirty_pages). With several writers (one per CPU) each dumps its share and
// kmap() goes call by call, so kmap_lock and the pkmap wrap flushes contend as in the kernel.
import { IoDevice, type Run, runFromEngine, type SymbolId, type Thread } from '@kmemsim/core';
import type { Machine } from '@kmemsim/mmu';
import { AddressSpace, type PageRun } from './address-space.js';
import { createHighmem, type Highmem } from './highmem.js';
import type { LocalTask } from './local.js';
import { type HighmemEra, type MechanismParams, SYMBOL_BYTES, WORKLOAD, type WorkloadParams } from './params.js';
import { radixLookupCycles, slotsPerLine } from './radix.js';
import { readprofileRows } from './readprofile.js';
import { writePathCharges } from './write.js';

/** How checkpoint_dump_page maps each user page: kmap, kmap_atomic or kmap_local. */
export const MAP_KINDS = ['kmap', 'kmap_atomic', 'kmap_local'] as const;
/** One of {@link MAP_KINDS}. */
export type MapKind = (typeof MAP_KINDS)[number];

/** Options of {@link runCheckpoint}. */
export interface CheckpointOptions {
  /** The machine to run on (i386 with PAE under kvm-shadow for seed 000). */
  machine: Machine;
  /** How each page is mapped before the copy. */
  map: MapKind;
  /** Bytes of process memory, as one extent (ignored when `space` is given). */
  sizeBytes?: number;
  /** The process's memory with its holes. */
  space?: AddressSpace;
  /** Disk bandwidth in MB/s (10^6 bytes). */
  diskMbps?: number;
  /** Overrides of the workload's parameters (buffer size, dirty limit, …). */
  params?: Partial<WorkloadParams>;
  /** Overrides of the highmem code's era switches (which kernel's kmap paths run). */
  era?: Partial<HighmemEra>;
  /** Overrides of the highmem mechanism's own costs. */
  mechanism?: Partial<MechanismParams>;
  /** Processes checkpointing at once, one per CPU (0..writers−1), each dumping an equal share. Default 1. */
  writers?: number;
  /** Called for every run of pages dumped, in order per writer (tests: every page exactly once). */
  onRun?: (run: PageRun) => void;
  /** Profile rows to keep (readprofile top list). */
  top?: number;
  /**
   * The guest kernel's CONFIG_NO_HZ (2.6.21+): an idle CPU stops its tick, so readprofile samples nothing there.
   * Default true; false adds a `default_idle` row with every CPU's idle time ([U]: see readprofile.ts).
   */
  nohz?: boolean;
}

/** What {@link runCheckpoint} returns. */
export interface CheckpointResult {
  /**
   * The run for the result document: time(1) of the checkpoint, counters (pkmap wraps, flushes, exits), readprofile.
   */
  run: Run;
  /** Pages dumped. */
  pages: number;
  /** The highmem mechanism after the run (pkmap state, for inspection). */
  highmem: Highmem;
}

/** The resolved workload parameters: defaults (page size from the arch when given) with overrides. */
export function checkpointParams(
  o: Pick<CheckpointOptions, 'params' | 'diskMbps'> & { archPageBytes?: number } = {},
): WorkloadParams {
  const { sources: _s, ...defaults } = WORKLOAD;
  return {
    ...defaults,
    ...(o.archPageBytes !== undefined ? { pageBytes: o.archPageBytes } : {}),
    ...o.params,
    ...(o.diskMbps !== undefined ? { diskMbps: o.diskMbps } : {}),
  };
}

/** The arch's copy-from-user routine as its profiles name it (the write path's copy into the page cache). */
function copyFromUserSymbol(arch: { name: string; wordBits: number }): string {
  if (arch.wordBits === 32) return '__copy_from_user_ll_nozero';
  if (arch.name.startsWith('x86_64')) return 'copy_user_generic_string';
  if (arch.name.startsWith('ia64')) return '__copy_user';
  return '__copy_from_user';
}

interface Pending {
  at: number;
  bytes: number;
}

/** The name of the one row that holds the sys time of functions the model does not run one by one. */
export const UNMODELLED = '(unmodelled)';

/**
 * Runs the checkpoint workload (seed 000): a kernel c/r patch dumps every page of a process to a file on ext3,
 * mapping each page with kmap, kmap_atomic or kmap_local, writing through the page cache to a disk that writes back
 * asynchronously. Sourced values only; `runSeed000` layers the experiment's fitted values over it.
 * @example
 * ```ts
 * import { i386 } from '@kmemsim/arch-i386';
 * import { runCheckpoint } from '@kmemsim/highmem';
 * import { Machine } from '@kmemsim/mmu';
 * const { run } = runCheckpoint({ machine: new Machine({ arch: i386, virt: 'kvm-shadow', pae: true }), map: 'kmap' });
 * run.time.sys_s;
 * ```
 */
export function runCheckpoint(o: CheckpointOptions): CheckpointResult {
  const m = o.machine;
  const e = m.engine;
  const writers = o.writers ?? 1;
  if (!Number.isInteger(writers) || writers < 1 || writers > m.cpus) {
    throw new RangeError(`writers ${writers}: expected an integer from 1 to the machine's ${m.cpus} CPUs`);
  }
  const p = checkpointParams({ ...o, archPageBytes: m.arch.pageBytes });
  const hm = createHighmem(m, { era: o.era, params: o.mechanism });
  const space = o.space ?? AddressSpace.contiguous(o.sizeBytes ?? 800 * 2 ** 20, p.pageBytes);
  const sym = (name: string, cls: 'user' | 'sys' | 'idle' = 'sys') => e.sym(name, cls, SYMBOL_BYTES[name] ?? 0);
  // Sizes for readprofile's load column, also of symbols the machine interned first (on_each_cpu …).
  for (const name of Object.keys(SYMBOL_BYTES)) sym(name);
  const S = {
    user: sym('[user] checkpointing task', 'user'),
    dump: sym('checkpoint_dump_page'),
    copy: sym(copyFromUserSymbol(m.arch)),
    ide: sym('ide_dma_end'),
    radix: sym('radix_tree_lookup_slot'),
    unmodelled: sym(UNMODELLED),
    wait: sym('io_schedule', 'idle'),
  };
  const refill = m.cost.refillCyclesPerCall;
  const perLine = slotsPerLine(m.arch);
  const perPage: [SymbolId, number][] = writePathCharges(p, refill).map(([name, c]) => [sym(name), c]);
  perPage.push([S.unmodelled, p.unmodelledCyclesPerPage]);
  const disk = new IoDevice(e, {
    name: 'disk',
    bytesPerSecond: p.diskMbps * 1e6,
    latencySeconds: p.diskLatencyUs * 1e-6,
  });
  const dumpCallCycles = refill + p.dumpResidualCycles + p.pageBytes * m.arch.costs.memcpyCyclesPerByte;
  const copyCallCycles = refill + p.pageBytes * m.arch.costs.copyUserCyclesPerByte;

  // at: the run's first page index in this writer's dump file (each writer appends its own file).
  function* dumpRun(t: Thread, task: LocalTask | null, r: PageRun, at: number) {
    const n = r.pages;
    t.spend(S.user, n * p.userCyclesPerPage);
    // checkpoint_dump_page: map the user page, copy it into the scratch buffer (first access through the new
    // mapping: a TLB walk, a shadow fault under kvm-shadow), unmap.
    if (o.map === 'kmap') {
      if (writers === 1) yield* hm.kmapPairs(t, n, S.dump);
      else
        for (let i = 0; i < n; i++) {
          const vpn = yield* hm.kmap(t, r.pfn + i);
          hm.access(t, vpn, S.dump);
          yield* hm.kunmap(t, r.pfn + i);
        }
    } else if (o.map === 'kmap_atomic') hm.atomicPairs(t, n, S.dump);
    else hm.localPairs(t, task, n, S.dump);
    t.spend(S.dump, n * dumpCallCycles);
    // The write path: kmap_atomic of each page-cache page, the copy into it, the fs/journal/block functions.
    hm.atomicPairs(t, n, S.copy);
    t.spend(S.copy, n * copyCallCycles);
    for (const [s, c] of perPage) t.spend(s, n * c);
    t.spend(S.radix, n * refill + radixLookupCycles(at, n, p, perLine));
    o.onRun?.(r);
  }

  // ide_dma_end per completed request: its port accesses (exits to the device model when virtualized).
  const ideEnd = (t: Thread, reqs: number) => {
    t.spend(S.ide, reqs * (p.ideDmaEndCallCycles + refill));
    m.portIo(t, reqs * p.idePortIoPerRequest, p.idePortIoCycles, S.ide);
  };

  // Writeback and throttling are global: one dirty count, one disk.
  const reqBytes = p.ioRequestBytes;
  const inflight: Pending[] = [];
  let head = 0;
  let dirty = 0; // bytes dirtied and not yet written back
  // Several writers take runs in turn; smaller runs so that every writer gets a share of a small dump.
  const chunk =
    writers === 1 ? p.chunkPages : Math.max(1, Math.min(p.chunkPages, Math.ceil(space.pages / (8 * writers))));
  const all = [...space.runs(chunk)];
  const threads = Array.from({ length: writers }, (_, w) =>
    e.spawn(w, writers === 1 ? 'checkpoint' : `checkpoint/${w}`, function* (t) {
      const task = hm.localTask(`checkpoint/${w}`);
      let unsubmitted = 0; // bytes this writer dirtied but not yet in a whole request
      let at = 0; // file index of the next page this writer dumps
      for (let i = w; i < all.length; i += writers) {
        const r = all[i];
        const bytes = r.pages * p.pageBytes;
        yield undefined; // the dirty count and the disk queue are shared: act at this writer's time
        // balance_dirty_pages: wait for writeback while this run would push dirty memory over the limit.
        while (head < inflight.length && (inflight[head].at <= t.clock || dirty + bytes > p.dirtyLimitBytes)) {
          t.idleUntil(inflight[head].at, S.wait);
          dirty -= inflight[head].bytes;
          head++;
        }
        yield* dumpRun(t, task, r, at);
        at += r.pages;
        dirty += bytes;
        unsubmitted += bytes;
        const reqs = Math.floor(unsubmitted / reqBytes);
        if (reqs > 0) {
          yield disk.submit(t, reqBytes, reqs);
          inflight.push({ at: t.result, bytes: reqs * reqBytes });
          unsubmitted -= reqs * reqBytes;
          // Each completion interrupt (ide_dma_end) lands on the submitting CPU.
          ideEnd(t, reqs);
        }
      }
      if (unsubmitted > 0) {
        yield disk.submit(t, unsubmitted, 1);
        ideEnd(t, 1);
      }
    }),
  );
  e.run();
  const run = runFromEngine(e, {
    variant: { map: o.map },
    metrics: {},
    threads,
    tickRateHz: m.arch.hz,
    top: 0,
    // No mechanism simulates the task's user-space work: only an experiment's fitted userCyclesPerPage puts any there.
    userModelled: p.userCyclesPerPage > 0,
  });
  // readprofile's ticks: none in an IPI handler (IF = 0: sampled in what it interrupted) nor on an idle CPU's
  // stopped tick (NO_HZ); kernel symbols only, so user-space time is dropped from the list.
  const start = Math.min(...threads.map((t) => t.startCycle));
  const end = Math.max(...threads.map((t) => t.endCycle || t.clock));
  const rows = readprofileRows(e, {
    nohz: o.nohz ?? true,
    hz: m.arch.hz,
    writers: threads,
    realCycles: end - start,
    irqOff: e.profiler.irqOff, // the arch's IPI handlers, marked by mmu's Machine
  });
  const userSyms = new Set([e.profiler.info(S.user).name]);
  run.profile = rows.filter((r) => !userSyms.has(r.symbol)).slice(0, o.top ?? 20);
  const k = e.counters;
  run.metrics = {
    pages: space.pages,
    bytes: space.pages * p.pageBytes,
    writers,
    pkmap_wraps: k.get('pkmap.wraps'),
    tlb_flush_global: k.get('tlb_flush_global'),
    invlpg: k.get('invlpg'),
    vm_exits: k.get('vm_exits'),
    writeback_end_s: Math.round((disk.busyUntil / e.clockHz) * 1e6) / 1e6,
    dump_mb_per_s: Math.round(((space.pages * p.pageBytes) / 1e6 / run.time.real_s) * 1000) / 1000,
  };
  return { run, pages: space.pages, highmem: hm };
}
