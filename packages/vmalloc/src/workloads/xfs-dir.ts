// The large-directory XFS workload of seed 002 (a 64-CPU SGI Altix in the vmap rewrite's posting): one thread
// per CPU, each doing directory operations in its own large (node-format) directory. Every directory block an
// operation touches is an xfs_buf of several pages; 2.6.27's XFS had no buffer LRU, so each access builds the
// buffer — find_or_create_page per page, then maps it — and frees it at release. In 2.6.27 the mapping is
// vmap() and the unmapping goes through XFS's own batching (free_address queues the address on as_list;
// _xfs_buf_map_pages calls purge_addresses(), which vunmaps every queued address, once as_list_len > 64) —
// and each 2.6.27 vunmap flushes every CPU's TLB. From 2.6.28 XFS maps with vm_map_ram/vm_unmap_ram.
import { type Run, roundTo, runFromEngine, type Spinlock } from '@kmemsim/core';
import type { Machine } from '@kmemsim/mmu';
import { sourced } from '@kmemsim/mmu';
import type { VmapDesign } from '../designs/design.js';
import { resolveDesign } from '../designs/registry.js';
import { createVmap } from '../mechanism/api.js';
import { LAYOUT, type MechanismParams } from '../mechanism/params.js';
import type { Vmap } from '../types.js';
import { machineMetrics } from './run-metrics.js';
import { flushEvents, Sampler, type SamplingOptions, type SamplingReport } from './sampler.js';
import type { MapApi } from './vmap-bench.js';

/** The XFS large-directory workload's parameters, each with its source or [U] range. */
export const XFS = sourced({
  dirBlockBytes: [
    65_536,
    '[U 16384..65536] directory block size (mkfs.xfs -n size=; XFS_MAX_BLOCKSIZE is 64 KiB): large directories ' +
      'were made with the largest',
  ],
  buffersPerOp: [
    4,
    '[U 3..5] directory blocks an operation reads in a node-format directory: the da-btree node, leaf and data ' +
      'blocks (xfs_da_node_lookup_int), and the free-index block when an entry is added or removed',
  ],
  asListMax: [64, 'fs/xfs/linux-2.6/xfs_buf.c (2.6.27) _xfs_buf_map_pages: purge_addresses() once as_list_len > 64'],
  pageLookupCycles: [250, '[U 150..500] find_or_create_page of a cached page (lockless page cache since 2.6.27)'],
  bufCycles: [600, '[U 300..1500] xfs_buf_get + xfs_buf_rele: kmem_zone_alloc, hash lookup and insert, free'],
  blockSearchCycles: [
    2_500,
    '[U 1000..6000] the search of one directory block: binary search of the leaf hash array, entry compare ' +
      '(mostly cache misses)',
  ],
  opCycles: [
    15_000,
    '[U 5000..40000] the rest of one directory operation: inode lookup, transaction reservation, log formatting',
  ],
  asEntryCycles: [150, '[U 80..300] free_address: kmalloc(GFP_NOWAIT) of an a_list_t + push under as_lock'],
  nrCpusSn2: [1024, '[U 64..4096] CONFIG_NR_CPUS of the Altix kernels (arch/ia64/configs/sn2_defconfig)'],
});

/** XFS's per-operation costs a run reads (a sensitivity sweep moves them: runXfsDir's `costs`). */
export type XfsCosts = Record<
  'pageLookupCycles' | 'bufCycles' | 'blockSearchCycles' | 'opCycles' | 'asEntryCycles',
  number
>;

/** Options of {@link runXfsDir}. */
export interface XfsDirOptions {
  /** The machine to run on (one thread per CPU). */
  machine: Machine;
  /** Design name or alias (registry). */
  impl: string;
  /** How XFS maps its buffers: the era's (2.6.27: vmap + as_list batching; later: vm_map_ram) by default. */
  api?: MapApi;
  /** Threads, one per CPU from CPU 0, each in its own directory (1..machine.cpus). */
  threads: number;
  /** Directory operations per thread. */
  ops: number;
  /** Overrides of the vmap mechanism's costs (an experiment's fitted values). */
  params?: Partial<MechanismParams>;
  /** nr_cpu_ids the kernel sizes its per-CPU structures by (default: the machine's CPUs). */
  nrCpus?: number;
  /** Directory block size, bytes (default XFS.dirBlockBytes, [U 16384..65536]); a buffer maps this much. */
  dirBlockBytes?: number;
  /** Directory blocks an operation reads (default XFS.buffersPerOp, [U 3..5]). */
  buffersPerOp?: number;
  /** Steady-state extrapolation of operations (default on; `exact: true` simulates every one). */
  sampling?: SamplingOptions;
  /** Overrides of XFS's per-operation costs (default XFS's; a sensitivity sweep moves them). */
  costs?: Partial<XfsCosts>;
}

/** What {@link runXfsDir} returns. */
export interface XfsDirResult {
  /** The run for the result document: metrics us_per_op, ops_per_s, flushes, IPIs, purges, …; profile. */
  run: Run;
  /** Microseconds per directory operation, averaged over threads. */
  usPerOp: number;
  /** Directory operations per second, all threads, over the run's wall time. */
  opsPerSec: number;
  /** The allocator after the run. */
  vmap: Vmap;
  /** The design `impl` resolved to. */
  design: VmapDesign;
  /** How buffers were mapped. */
  api: MapApi;
  /** What the sampler simulated and extrapolated. */
  sampling: SamplingReport;
}

/**
 * Runs seed 002's XFS large-directory workload: `threads` threads each do `ops` directory operations, building,
 * mapping and releasing `buffersPerOp` multi-page buffers per operation through the vmap design `impl`.
 * Throws RangeError for threads outside 1..machine.cpus.
 */
export function runXfsDir(o: XfsDirOptions): XfsDirResult {
  const m = o.machine;
  const e = m.engine;
  if (!Number.isInteger(o.threads) || o.threads < 1 || o.threads > m.cpus) {
    throw new RangeError(`threads ${o.threads} out of range 1..${m.cpus}`);
  }
  const design = resolveDesign(o.impl);
  const api: MapApi = o.api ?? (design.perCpuBlocks === null ? 'vmap' : 'vm_map_ram');
  const batched = design.perCpuBlocks === null && api === 'vmap';
  const vm = createVmap(m, { impl: design, params: o.params, nrCpus: o.nrCpus });
  const sampler = new Sampler(e, { regeneration: flushEvents(e), ...o.sampling });
  const pagesPerBuf = Math.max(1, Math.ceil((o.dirBlockBytes ?? XFS.dirBlockBytes) / m.arch.pageBytes));
  const perOp = o.buffersPerOp ?? XFS.buffersPerOp;
  const c: XfsCosts = { ...XFS, ...o.costs };
  const sym = {
    op: e.sym('xfs_dir_op'),
    lookup: e.sym('find_or_create_page'),
    buf: e.sym('xfs_buf_get'),
    search: e.sym('xfs_da_node_lookup_int'),
    free: e.sym('free_address'),
    purge: e.sym('purge_addresses'),
  };
  // 2.6.27 XFS: as_list of addresses waiting for vunmap, under as_lock.
  const asLock: Spinlock | null = batched ? m.spinlock('as_lock') : null;
  const asList: number[] = [];
  const ram = api === 'vm_map_ram';
  const threads = [];
  for (let cpu = 0; cpu < o.threads; cpu++) {
    threads.push(
      e.spawn(cpu, `xfs-dir/${cpu}`, function* (t) {
        // Each thread's directory blocks live in its own frames; successive buffers alternate between two sets.
        const pfn0 = LAYOUT.pfnBase + cpu * 4 * pagesPerBuf * perOp;
        sampler.join(t);
        const l = sampler.begin(t, o.ops, 'xfs-dir');
        while (l.done < l.count) {
          t.spend(sym.op, c.opCycles);
          for (let b = 0; b < perOp; b++) {
            t.spend(sym.buf, c.bufCycles);
            t.spend(sym.lookup, c.pageLookupCycles * pagesPerBuf);
            const pfn = pfn0 + ((l.done & 1) * perOp + b) * pagesPerBuf;
            if (asLock !== null && asList.length > XFS.asListMax) {
              // purge_addresses: take the whole list under as_lock, then vunmap each address.
              yield asLock.lock(t);
              const batch = asList.splice(0);
              asLock.unlock(t);
              for (const id of batch) {
                yield* vm.freeArea(t, id);
                t.spend(sym.purge, c.asEntryCycles);
              }
            }
            let id: number;
            if (ram) id = yield* vm.mapRamArea(t, pfn, pagesPerBuf);
            else {
              id = yield* vm.allocArea(t, pagesPerBuf);
              if (id >= 0) vm.mapArea(t, id, pfn);
            }
            if (id < 0) throw new RangeError(`xfs-dir: ${design.name} found no vmalloc space`);
            m.touch(t, vm.areas.vpn[id], sym.search);
            t.spend(sym.search, c.blockSearchCycles);
            if (ram) yield* vm.unmapRamArea(t, id);
            else if (asLock !== null) {
              t.spend(sym.free, c.asEntryCycles);
              yield asLock.lock(t);
              asList.push(id);
              asLock.unlock(t);
            } else yield* vm.freeArea(t, id);
          }
          sampler.next(l);
          const rs = t.engine.condResched(t);
          if (rs !== undefined) yield rs;
        }
        sampler.end(l);
        sampler.leave(t);
      }),
    );
  }
  e.run();
  let sum = 0;
  let end = 0;
  for (const t of threads) {
    sum += t.endCycle - t.startCycle;
    end = Math.max(end, t.endCycle);
  }
  const usPerOp = (sum / threads.length / o.ops / e.clockHz) * 1e6;
  const opsPerSec = (o.ops * o.threads) / (end / e.clockHz);
  const s = sampler.report();
  const run = runFromEngine(e, {
    variant: { impl: design.name, api, threads: o.threads },
    metrics: {
      us_per_op: roundTo(usPerOp, 3),
      ops_per_s: roundTo(opsPerSec, 0),
      ops: o.ops * o.threads,
      buffers_mapped: e.counters.get('vmap.allocs'),
      ...machineMetrics(e, m, s, sum),
    },
    threads,
    tickRateHz: m.arch.hz,
  });
  return { run, usPerOp, opsPerSec, vmap: vm, design, api, sampling: s };
}
