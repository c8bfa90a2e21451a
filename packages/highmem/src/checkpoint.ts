// The checkpoint workload (seed 000): a kernel c/r patch set dumps every page of a process into a file on ext3.
// Per page, checkpoint_dump_page maps the user page (kmap | kmap_atomic | kmap_local), copies it into the dump
// buffer and writes that through the page cache: the write path's own kmap_atomic of the page-cache page and
// __copy_from_user_ll_nozero, the block and journaling layers' per-page and per-inode costs, and writeback to
// an IDE disk that runs asynchronously, the writer throttled at the dirty limit (balance_dirty_pages).
// Work is charged per run of pages (up to chunkPages); only flushes and I/O waits are events.
import { IoDevice, type Run, runFromEngine, type SymbolId, type Thread } from '@kmemsim/core';
import type { Machine } from '@kmemsim/mmu';
import { AddressSpace, type PageRun } from './address-space.js';
import { createHighmem, type Highmem } from './highmem.js';
import { type HighmemEra, SYMBOL_BYTES, WORKLOAD, type WorkloadParams } from './params.js';
import { WRITE_PATH_TAIL } from './tail.js';

export const MAP_KINDS = ['kmap', 'kmap_atomic', 'kmap_local'] as const;
export type MapKind = (typeof MAP_KINDS)[number];

export interface CheckpointOptions {
  machine: Machine;
  map: MapKind;
  /** Bytes of process memory, as one extent (ignored when `space` is given). */
  sizeBytes?: number;
  /** The process's memory with its holes. */
  space?: AddressSpace;
  /** Disk bandwidth in MB/s (10^6 bytes). */
  diskMbps?: number;
  params?: Partial<WorkloadParams>;
  era?: Partial<HighmemEra>;
  /** Called for every run of pages dumped, in order (tests: every page exactly once). */
  onRun?: (run: PageRun) => void;
  /** Profile rows to keep (readprofile top list). */
  top?: number;
}

export interface CheckpointResult {
  run: Run;
  pages: number;
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

export function runCheckpoint(o: CheckpointOptions): CheckpointResult {
  const m = o.machine;
  const e = m.engine;
  const p = checkpointParams({ ...o, archPageBytes: m.arch.pageBytes });
  const hm = createHighmem(m, { era: o.era });
  const space = o.space ?? AddressSpace.contiguous(o.sizeBytes ?? 800 * 2 ** 20, p.pageBytes);
  const sym = (name: string, cls: 'user' | 'sys' | 'idle' = 'sys') => e.sym(name, cls, SYMBOL_BYTES[name] ?? 0);
  // Sizes for readprofile's load column, also of symbols the machine interned first (on_each_cpu …).
  for (const name of Object.keys(SYMBOL_BYTES)) sym(name);
  const S = {
    user: sym('[user] checkpointed task', 'user'),
    dump: sym('checkpoint_dump_page'),
    copy: sym(copyFromUserSymbol(m.arch)),
    ide: sym('ide_dma_end'),
    wait: sym('io_schedule', 'idle'),
  };
  const perPage: [SymbolId, number][] = [
    [sym('__block_prepare_write'), p.blockPrepareWriteCycles],
    [sym('lookup_bh_lru'), p.lookupBhLruCycles],
    [sym('ext3_do_update_inode'), p.ext3DoUpdateInodeCycles],
    [sym('__set_page_dirty'), p.setPageDirtyCycles],
    [sym('__mark_inode_dirty'), p.markInodeDirtyCycles],
    [sym('do_get_write_access'), p.doGetWriteAccessCycles],
    [sym('radix_tree_lookup_slot'), p.radixTreeLookupCycles],
    [sym('ext3_get_inode_block'), p.ext3GetInodeBlockCycles],
    [sym('buffered_rmqueue'), p.bufferedRmqueueCycles],
    [sym('journal_stop'), p.journalStopCycles],
    [sym('journal_add_journal_head'), p.journalAddJournalHeadCycles],
    [sym('kmem_cache_alloc'), p.kmemCacheAllocCycles],
  ];
  const tailShare = p.writePathTailCycles / WRITE_PATH_TAIL.length;
  for (const name of WRITE_PATH_TAIL) perPage.push([sym(name), tailShare]);
  const disk = new IoDevice(e, {
    name: 'disk',
    bytesPerSecond: p.diskMbps * 1e6,
    latencySeconds: p.diskLatencyUs * 1e-6,
  });
  const copyCycles = p.pageBytes * m.arch.costs.memcpyCyclesPerByte;
  const copyUserCycles = p.pageBytes * m.arch.costs.copyUserCyclesPerByte;
  const task = hm.localTask('checkpoint');

  function* dumpRun(t: Thread, r: PageRun) {
    const n = r.pages;
    t.spend(S.user, n * p.userCyclesPerPage);
    // checkpoint_dump_page: map the user page, copy it into the dump buffer, unmap.
    if (o.map === 'kmap') yield* hm.kmapPairs(t, n, S.dump);
    else if (o.map === 'kmap_atomic') hm.atomicPairs(t, n, S.dump);
    else hm.localPairs(t, task, n, S.dump);
    t.spend(S.dump, n * copyCycles);
    // The write path: kmap_atomic of each page-cache page, copy into it, the fs/journal/block costs.
    hm.atomicPairs(t, n, S.copy);
    t.spend(S.copy, n * copyUserCycles);
    for (const [s, c] of perPage) t.spend(s, n * c);
    o.onRun?.(r);
  }

  const reqBytes = p.ioRequestBytes;
  const writer = e.spawn(0, 'checkpoint', function* (t) {
    const inflight: Pending[] = [];
    let head = 0;
    let dirty = 0; // bytes dirtied and not yet written back
    let unsubmitted = 0; // bytes dirtied but not yet in a whole request
    for (const r of space.runs(p.chunkPages)) {
      const bytes = r.pages * p.pageBytes;
      // balance_dirty_pages: wait for writeback while this run would push dirty memory over the limit.
      while (head < inflight.length && (inflight[head].at <= t.clock || dirty + bytes > p.dirtyLimitBytes)) {
        t.idleUntil(inflight[head].at, S.wait);
        dirty -= inflight[head].bytes;
        head++;
      }
      yield* dumpRun(t, r);
      dirty += bytes;
      unsubmitted += bytes;
      const reqs = Math.floor(unsubmitted / reqBytes);
      if (reqs > 0) {
        yield disk.submit(t, reqBytes, reqs);
        inflight.push({ at: t.result, bytes: reqs * reqBytes });
        unsubmitted -= reqs * reqBytes;
        // Each completion interrupt (ide_dma_end) lands on this CPU.
        t.spend(S.ide, reqs * p.ideDmaEndCyclesPerRequest);
      }
    }
    if (unsubmitted > 0) {
      yield disk.submit(t, unsubmitted, 1);
      t.spend(S.ide, p.ideDmaEndCyclesPerRequest);
    }
  });
  e.run();
  const run = runFromEngine(e, {
    variant: { map: o.map },
    metrics: {},
    threads: [writer],
    tickRateHz: m.arch.hz,
    top: 0,
  });
  // readprofile shows kernel symbols only: drop user-space time from the list.
  const userSyms = new Set([e.profiler.info(S.user).name]);
  run.profile = run.profile.filter((r) => !userSyms.has(r.symbol)).slice(0, o.top ?? 20);
  const k = e.counters;
  run.metrics = {
    pages: space.pages,
    bytes: space.pages * p.pageBytes,
    pkmap_wraps: k.get('pkmap.wraps'),
    tlb_flush_global: k.get('tlb_flush_global'),
    invlpg: k.get('invlpg'),
    vm_exits: k.get('vm_exits'),
    writeback_end_s: Math.round((disk.busyUntil / e.clockHz) * 1e6) / 1e6,
    dump_mb_per_s: Math.round(((space.pages * p.pageBytes) / 1e6 / run.time.real_s) * 1000) / 1000,
  };
  return { run, pages: space.pages, highmem: hm };
}
