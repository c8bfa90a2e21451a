// The frame every test_vmalloc case runs in: the worker, vmalloc/vfree as the module calls them (an area plus its
// pages), and the sampler-driven loops (`build` for state, `loop` for test_loop_count iterations) with their
// functional fast-forwards. The cases themselves are in test-cases.ts.
import type { Rng, SymbolId, Thread } from '@kmemsim/core';
import { sourced } from '@kmemsim/mmu';
import type { VmapAllocator } from '../mechanism/api.js';
import { fastAlloc, fastFree, type PurgeCycle } from '../mechanism/functional.js';
import { LAYOUT } from '../mechanism/params.js';
import type { Gen } from '../types.js';
import type { FastForward, Sampler } from './sampler.js';
import { buildsOnOneLock, lockstep } from './sampler-build.js';
import { SlipMeter } from './sampler-ff.js';
import { freeWalksList, setUpWalksList } from './sampler-growth.js';
import type { Loop } from './sampler-loop.js';
import { FreeEach } from './test-case-bodies.js';
import { type FlowBody, FlowLoop, type Handoff, type WorkerCalls } from './test-case-flow.js';

/** lib/test_vmalloc.c's own work around the allocator (page allocation, the percpu allocator). */
export const TEST_VMALLOC = sourced({
  allocPageCycles: [250, '[U 150..500] alloc_page via the per-CPU free lists (buffered_rmqueue fast path) per page'],
  freePageCycles: [150, '[U 80..300] __free_page to the per-CPU free list per page'],
  pcpuUnitPages: [8, '[U 8..32] percpu unit of 32 KiB per CPU for dynamic chunks (PCPU_MIN_UNIT_SIZE)'],
  pcpuAllocCycles: [400, '[U 200..2000] pcpu_alloc under pcpu_alloc_mutex: area-map scan of the first chunk that fits'],
  pcpuFreeCycles: [200, '[U 100..800] free_percpu: pcpu_free_area + area-map merge'],
  defaultLoopCount: [1_000_000, 'lib/test_vmalloc.c: test_loop_count defaults to 1,000,000'],
});

/** TEST_VMALLOC's costs a run reads (a sensitivity sweep moves them: runTestVmalloc's `costs`). */
export type TestVmallocCosts = Record<
  'allocPageCycles' | 'freePageCycles' | 'pcpuUnitPages' | 'pcpuAllocCycles' | 'pcpuFreeCycles',
  number
>;

/** One test_vmalloc worker thread (a kthread of the module) and what its cases read. */
export interface Worker {
  t: Thread;
  vm: VmapAllocator;
  rng: Rng;
  loops: number;
  /** nr_pages: pages of fix_size_alloc_test's vmalloc and of vm_map_ram_test's mapping (0 ⇒ 1). */
  nrPages: number;
  pageBytes: number;
  wordBits: number;
  cpus: number;
  /** The case whose state-building loop was last skipped on this worker (its set-up laid down functionally). */
  forwarded?: string;
  clearCyclesPerByte: number;
  /** TEST_VMALLOC's costs with the run's overrides. */
  costs: TestVmallocCosts;
  sampler: Sampler;
  /**
   * The allocator's purge cycle where skipped main loops lay down their lazy areas (sampler-ff.ts), or null: a
   * skipped main loop runs nothing (its lazy areas stay where the skip began).
   */
  steady: PurgeCycle | null;
  touch(id: number): void;
  sym: { alloc: SymbolId; free: SymbolId; memset: SymbolId };
  /** vmalloc / vfree over one area flow, for the loops run as iterators (test-case-flow.ts `callsOf`). */
  calls?: WorkerCalls;
  /** The thread body driving this worker's FlowLoops directly (test-case-flow.ts), if any. */
  handoff?: Handoff;
}

/** vmalloc(pages) with optional byte alignment and zeroing: a handle, or −1 when no space fits. */
export function* vmalloc(w: Worker, pages: number, alignBytes = 0, zero = false): Gen<number> {
  const { t, vm } = w;
  t.spend(w.sym.alloc, w.costs.allocPageCycles * pages);
  const align = Math.max(1, Math.floor(alignBytes / w.pageBytes));
  const id = yield* vm.allocArea(t, pages, align);
  if (id < 0) return -1;
  vm.mapArea(t, id, LAYOUT.pfnBase + (t.cpu << 20) + (id % 4096) * 128);
  if (zero) t.spend(w.sym.memset, w.clearCyclesPerByte * pages * w.pageBytes);
  return id;
}

/** pcpu_create_chunk's vmalloc side: pcpu_get_vm_areas (no guard page, no vmap node), then its pages. */
export function* pcpuChunk(w: Worker, pages: number): Gen<number> {
  const { t, vm } = w;
  t.spend(w.sym.alloc, w.costs.allocPageCycles * pages);
  const id = yield* vm.allocChunkArea(t, pages);
  if (id < 0) return -1;
  vm.mapArea(t, id, LAYOUT.pfnBase + (t.cpu << 20) + (id % 4096) * 128);
  return id;
}

/** vfree(id): the area back to the allocator (lazily, per the design), then its pages. */
export function* vfree(w: Worker, id: number): Gen {
  const pages = w.vm.areas.pages[id];
  yield* w.vm.freeArea(w.t, id);
  w.t.spend(w.sym.free, w.costs.freePageCycles * pages);
}

/** What a case's loop counts follow: test_loop_count and the machine (full_fit's junk_length). */
export interface CaseShape {
  /** test_loop_count. */
  loops: number;
  /** The machine's CPUs (full_fit's junk_length is fls(cpus) × 32 MiB of pages). */
  cpus: number;
  /** Bytes per page. */
  pageBytes: number;
}

/** One case of test_vmalloc.c's test_case_array, modelled. */
export interface TestCase {
  /** Its run_test_mask bit. */
  bit: number;
  /** Its name in the module (`fix_size_alloc_test`). */
  name: string;
  /** One run of the case by a worker: test_loop_count loops; false when an allocation failed. */
  run(w: Worker): Gen<boolean>;
  /** Iterations one run of the case puts under the sampler (its `loop` and `build` counts): a display's progress. */
  sampledLoops(s: CaseShape): number;
}

/**
 * A loop that builds state (a set-up allocating areas, a tear-down freeing them) under the sampler: skipped loops
 * are performed by `fast` without time. `body(i)` is iteration i; it returns false when an allocation failed. A
 * FlowBody runs as an iterator (test-case-flow.ts): the same steps without a generator per call.
 */
export function build(
  w: Worker,
  tag: string,
  n: number,
  body: FlowBody | ((i: number) => Gen<boolean>),
  fast: FastForward,
  setUp = false,
  freesOverLive = false,
): Gen<boolean> {
  const open = () => openBuild(w, tag, n, fast, setUp, freesOverLive);
  return typeof body === 'function' ? buildGen(w, open, body) : new FlowLoop(w, open, body, false);
}

function openBuild(w: Worker, tag: string, n: number, fast: FastForward, setUp: boolean, freesOverLive: boolean): Loop {
  const l = w.sampler.begin(w.t, n, tag, fast, setUp);
  // The lazy-walk designs' workers take vmap_area_lock once per iteration (FIFO), 2.6.27's vmlist_lock (biased: in
  // step on average): in step.
  const legacy = buildsOnOneLock(w.vm.design);
  if (w.steady !== null || legacy) lockstep(l);
  // A set-up that walks a list of every area before it grows linearly (sampler-growth.ts `setUpWalksList`). The line
  // is fitted in the phase's mean position, so only where the workers keep in step on the lock. 2.6.27's too, since
  // its set-ups skip in step (__get_vm_area_node walks vmlist from its head): under the log model they came out
  // −15.0 / −13.4 % (full_fit's set-up, 8 / 16 CPUs × mask 7 × 20,000, mask order), each skip's jump 0.84–0.90 of
  // the exact run's cycles over the same loops; under the line +0.3 / −0.0 % (docs/vmalloc-sampling.md, "State-building loops").
  // So does a free loop whose targets ascend over areas kept live below them, where vfree walks vmlist
  // (sampler-growth.ts `freeWalksList`): full_fit's free-junk on 2.6.27 at 8 CPUs × mask 7 × 20,000 (mask order)
  // came out −12.0 %, each skip at its window's flat rate 0.69–0.72 of the exact cycles over the same loops.
  const d = w.vm.design;
  l.walk = l.lockstep && ((setUp && setUpWalksList(d)) || (freesOverLive && freeWalksList(d)));
  return l;
}

function* buildGen(w: Worker, open: () => Loop, body: (i: number) => Gen<boolean>): Gen<boolean> {
  const l = open();
  let ok = true;
  while (l.done < l.count) {
    if (!(yield* body(l.done))) ok = false;
    w.sampler.next(l);
    const rs = w.t.engine.condResched(w.t);
    if (rs !== undefined) yield rs;
  }
  if (l.skipped > 0) w.forwarded = l.kase;
  w.sampler.end(l);
  return ok;
}

/** One main-loop iteration without time: its allocations (fastAlloc, −1 if none fit) and their frees. */
export type FastOnce = (w: Worker) => void;

/**
 * A loop of test_loop_count iterations under the sampler; false as soon as one iteration fails. `fast` and `pages`
 * (lazily freed per iteration, guard pages included): how skipped iterations lay down their lazy areas, where the
 * worker's `steady` says they must (sampler-ff.ts). `splitWalk`: an iteration allocates a large and a small area
 * (sampler-ff.ts SPLIT_WALK_ERROR). `areas`: areas an iteration frees lazily (the skip's purge cycle in loops). A
 * FlowBody runs as an iterator (test-case-flow.ts).
 */
export function loop(
  w: Worker,
  tag: string,
  body: FlowBody | ((w: Worker) => Gen<boolean>),
  fast: FastOnce | null = null,
  pages = 0,
  splitWalk = false,
  areas = 1,
): Gen<boolean> {
  const open = () => openLoop(w, tag, fast, pages, splitWalk, areas);
  return typeof body === 'function' ? loopGen(w, open, body) : new FlowLoop(w, open, body, true);
}

function openLoop(
  w: Worker,
  tag: string,
  fast: FastOnce | null,
  pages: number,
  splitWalk: boolean,
  areas: number,
): Loop {
  const l = w.sampler.begin(w.t, w.loops, tag);
  const walk = w.vm.design.holeSearch === 'rbtree-walk';
  if (fast !== null && w.steady !== null)
    l.steady = {
      once: () => fast(w),
      pages,
      cycle: w.steady,
      forwarded: w.forwarded === l.kase,
      // Only the walk from VMALLOC_START lets the small allocation's hole below the busy list decide its cost.
      splitWalk: splitWalk && walk,
      // Under that walk the queue's phase decides which lazy areas the next case's set-up meets (sampler-ff.ts).
      slip: walk ? new SlipMeter(w.steady, w.steady.tally().taken, areas) : undefined,
    };
  return l;
}

function* loopGen(w: Worker, open: () => Loop, body: (w: Worker) => Gen<boolean>): Gen<boolean> {
  const l = open();
  let ok = true;
  while (l.done < l.count) {
    if (!(yield* body(w))) {
      ok = false;
      break;
    }
    l.steady?.slip?.observe();
    w.sampler.next(l);
    // cond_resched() in vm_area_alloc_pages (6.9): a kworker queued on this CPU (the drain, a purge helper) runs.
    const rs = w.t.engine.condResched(w.t);
    if (rs !== undefined) yield rs;
  }
  w.sampler.end(l);
  return ok;
}

/** nr_pages as the module reads it: `nr_pages > 0 ? nr_pages : 1` (fix_size_alloc_test, vm_map_ram_test). */
export function nrPages(w: Worker): number {
  return w.nrPages > 0 ? w.nrPages : 1;
}

/** vmalloc + vfree of `pages` without time (a main loop's skipped iteration). */
export function fastOnce(w: Worker, pages: number, align = 1): void {
  const id = fastAlloc(w.vm, w.t.cpu, pages, align);
  if (id >= 0) fastFree(w.vm, id);
}

/** Iteration i frees ids[i] (if it was allocated), as a FlowBody. */
export function freeEach(ids: Int32Array): FlowBody {
  return new FreeEach(ids);
}

/** A tear-down's fast-forward: iterations from..from+k free ids[i] without time. */
export function fastFreeEach(vm: VmapAllocator, ids: Int32Array): FastForward {
  return (from, k) => {
    for (let i = from; i < from + k; i++) {
      if (ids[i] >= 0) fastFree(vm, ids[i]);
      ids[i] = -1;
    }
  };
}
