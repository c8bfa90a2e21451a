// The cases of lib/test_vmalloc.c, each a generator run by one worker thread: `yield* c.run(w)` returns false
// when the case fails (an allocation that returned NULL). vmalloc() here is a vmap area plus its pages: page
// allocation, PTEs, and at vfree the pages freed (costs in TEST_VMALLOC). Areas are integer handles, so
// full_fit's millions of areas cost typed-array slots. The loops over test_loop_count run under the sampler.
import type { Rng, SymbolId, Thread } from '@kmemsim/core';
import { sourced } from '@kmemsim/mmu';
import type { VmapAllocator } from '../mechanism/api.js';
import { fastAlloc, fastFree, type PurgeCycle } from '../mechanism/functional.js';
import { LAYOUT } from '../mechanism/params.js';
import type { Gen } from '../types.js';
import type { FastForward, Sampler } from './sampler.js';

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
function* pcpuChunk(w: Worker, pages: number): Gen<number> {
  const { t, vm } = w;
  t.spend(w.sym.alloc, w.costs.allocPageCycles * pages);
  const id = yield* vm.allocChunkArea(t, pages);
  if (id < 0) return -1;
  vm.mapArea(t, id, LAYOUT.pfnBase + (t.cpu << 20) + (id % 4096) * 128);
  return id;
}

export function* vfree(w: Worker, id: number): Gen {
  const pages = w.vm.areas.pages[id];
  yield* w.vm.freeArea(w.t, id);
  w.t.spend(w.sym.free, w.costs.freePageCycles * pages);
}

/** One case of test_vmalloc.c's test_case_array, modelled. */
export interface TestCase {
  /** Its run_test_mask bit. */
  bit: number;
  /** Its name in the module (`fix_size_alloc_test`). */
  name: string;
  /** One run of the case by a worker: test_loop_count loops; false when an allocation failed. */
  run(w: Worker): Gen<boolean>;
}

/**
 * A loop that builds state (a set-up allocating areas, a tear-down freeing them) under the sampler: skipped loops
 * are performed by `fast` without time. `body(i)` is iteration i; it returns false when an allocation failed.
 */
function* build(
  w: Worker,
  tag: string,
  n: number,
  body: (i: number) => Gen<boolean>,
  fast: FastForward,
  setUp = false,
): Gen<boolean> {
  const l = w.sampler.begin(w.t, n, tag, fast, setUp);
  let ok = true;
  while (l.done < l.count) {
    if (!(yield* body(l.done))) ok = false;
    w.sampler.next(l);
    const rs = w.t.engine.condResched(w.t);
    if (rs !== undefined) yield rs;
  }
  w.sampler.end(l);
  return ok;
}

/** One main-loop iteration without time: its allocations (fastAlloc, −1 if none fit) and their frees. */
type FastOnce = (w: Worker) => void;

/**
 * A loop of test_loop_count iterations under the sampler; false as soon as one iteration fails. `fast` and `pages`
 * (lazily freed per iteration, guard pages included): how skipped iterations lay down their lazy areas, where the
 * worker's `steady` says they must (sampler-ff.ts).
 */
function* loop(
  w: Worker,
  tag: string,
  body: (w: Worker) => Gen<boolean>,
  fast: FastOnce | null = null,
  pages = 0,
): Gen<boolean> {
  const l = w.sampler.begin(w.t, w.loops, tag);
  if (fast !== null && w.steady !== null) l.steady = { once: () => fast(w), pages, cycle: w.steady };
  let ok = true;
  while (l.done < l.count) {
    if (!(yield* body(w))) {
      ok = false;
      break;
    }
    w.sampler.next(l);
    // cond_resched() in vm_area_alloc_pages (6.9): a kworker queued on this CPU (the drain, a purge helper) runs.
    const rs = w.t.engine.condResched(w.t);
    if (rs !== undefined) yield rs;
  }
  w.sampler.end(l);
  return ok;
}

/** nr_pages as the module reads it: `nr_pages > 0 ? nr_pages : 1` (fix_size_alloc_test, vm_map_ram_test). */
function nrPages(w: Worker): number {
  return w.nrPages > 0 ? w.nrPages : 1;
}

// fix_size_alloc_test: vmalloc(nr_pages (default 1) pages), touch, vfree (lib/test_vmalloc.c of the module version
// that has vm_map_ram_test, Debian linux-source-6.12; 6.1 the same). The first version (2019) allocated 3 pages
// (recalled, no source here): `--nr-pages 3` runs that workload.
function* fixSizeOnce(w: Worker): Gen<boolean> {
  const a = yield* vmalloc(w, nrPages(w));
  if (a < 0) return false;
  w.touch(a);
  yield* vfree(w, a);
  return true;
}

/** vmalloc + vfree of `pages` without time (a main loop's skipped iteration). */
function fastOnce(w: Worker, pages: number, align = 1): void {
  const id = fastAlloc(w.vm, w.t.cpu, pages, align);
  if (id >= 0) fastFree(w.vm, id);
}

function* fixSize(w: Worker): Gen<boolean> {
  const n = nrPages(w);
  return yield* loop(w, 'fix_size_alloc_test', fixSizeOnce, (w) => fastOnce(w, n), n + w.vm.guard);
}

/** Iteration i frees ids[i] (if it was allocated). */
function freeEach(w: Worker, ids: Int32Array): (i: number) => Gen<boolean> {
  return function* (i) {
    if (ids[i] >= 0) yield* vfree(w, ids[i]);
    ids[i] = -1;
    return true;
  };
}

function fastFreeEach(vm: VmapAllocator, ids: Int32Array): FastForward {
  return (from, k) => {
    for (let i = from; i < from + k; i++) {
      if (ids[i] >= 0) fastFree(vm, ids[i]);
      ids[i] = -1;
    }
  };
}

// full_fit_alloc_test's loop: tmp = vmalloc(1 page); *tmp = 1; vfree(tmp) (lib/test_vmalloc.c, 6.1 and 6.12).
function* fullFitOnce(w: Worker): Gen<boolean> {
  const a = yield* vmalloc(w, 1);
  if (a < 0) return false;
  w.touch(a);
  yield* vfree(w, a);
  return true;
}

function* fullFit(w: Worker): Gen<boolean> {
  // junk_length = fls(num_online_cpus()) × 32 MB of pages: two interleaved 1-page runs, the junk one freed.
  const junk = Math.floor(Math.log2(w.cpus) + 1) * Math.floor((32 * 2 ** 20) / w.pageBytes);
  // ptr[] and junk_ptr[]: two vmalloc'ed arrays of junk_length pointers.
  const arrPages = Math.ceil((junk * (w.wordBits / 8)) / w.pageBytes);
  const arr = yield* vmalloc(w, arrPages);
  const arr2 = arr < 0 ? -1 : yield* vmalloc(w, arrPages);
  if (arr2 < 0) {
    if (arr >= 0) yield* vfree(w, arr);
    return false;
  }
  const keep = new Int32Array(junk).fill(-1);
  const drop = new Int32Array(junk).fill(-1);
  const { vm } = w;
  const cpu = w.t.cpu;
  // for (i < junk) { ptr[i] = vmalloc(1); junk_ptr[i] = vmalloc(1); } — as 2·junk one-allocation loops, so that
  // skipped loops interleave between threads one allocation at a time, as the lock hands them out.
  const made = yield* build(
    w,
    'full_fit_alloc_test:set-up',
    2 * junk,
    function* (i) {
      const id = yield* vmalloc(w, 1);
      if (i & 1) drop[i >> 1] = id;
      else keep[i >> 1] = id;
      return id >= 0;
    },
    (from, k) => {
      for (let i = from; i < from + k; i++) {
        const id = fastAlloc(vm, cpu, 1);
        if (i & 1) drop[i >> 1] = id;
        else keep[i >> 1] = id;
      }
    },
    true,
  );
  yield* build(w, 'full_fit_alloc_test:free-junk', junk, freeEach(w, drop), fastFreeEach(vm, drop));
  const ok = made && (yield* loop(w, 'full_fit_alloc_test', fullFitOnce, (w) => fastOnce(w, 1), 1 + vm.guard));
  yield* build(w, 'full_fit_alloc_test:tear-down', junk, freeEach(w, keep), fastFreeEach(vm, keep));
  yield* vfree(w, arr);
  yield* vfree(w, arr2);
  return ok;
}

function* longBusyOnce(w: Worker): Gen<boolean> {
  const a = yield* vmalloc(w, 100);
  if (a < 0) return false;
  const b = yield* vmalloc(w, 1);
  if (b < 0) {
    yield* vfree(w, a);
    return false;
  }
  w.touch(a);
  w.touch(b);
  yield* vfree(w, a);
  yield* vfree(w, b);
  return true;
}

function fastLongBusy(w: Worker): void {
  const { vm } = w;
  const a = fastAlloc(vm, w.t.cpu, 100);
  if (a < 0) return;
  const b = fastAlloc(vm, w.t.cpu, 1);
  fastFree(vm, a);
  if (b >= 0) fastFree(vm, b);
}

function* longBusyList(w: Worker): Gen<boolean> {
  const arr = yield* vmalloc(w, Math.ceil((15_000 * (w.wordBits / 8)) / w.pageBytes));
  if (arr < 0) return false;
  const busy = new Int32Array(15_000).fill(-1);
  const { vm } = w;
  const cpu = w.t.cpu;
  yield* build(
    w,
    'long_busy_list_alloc_test:set-up',
    15_000,
    function* (i) {
      busy[i] = yield* vmalloc(w, 1);
      return true;
    },
    (from, k) => {
      for (let i = from; i < from + k; i++) busy[i] = fastAlloc(vm, cpu, 1);
    },
    true,
  );
  const ok = yield* loop(w, 'long_busy_list_alloc_test', longBusyOnce, fastLongBusy, 101 + 2 * vm.guard);
  yield* build(w, 'long_busy_list_alloc_test:tear-down', 15_000, freeEach(w, busy), fastFreeEach(vm, busy));
  yield* vfree(w, arr);
  return ok;
}

function* randomSizeOnce(w: Worker): Gen<boolean> {
  const a = yield* vmalloc(w, w.rng.int(1, 100));
  if (a < 0) return false;
  w.touch(a);
  yield* vfree(w, a);
  return true;
}

function* randomSize(w: Worker): Gen<boolean> {
  // rng.int(1, 100): 50.5 pages on average, + the guard page.
  return yield* loop(
    w,
    'random_size_alloc_test',
    randomSizeOnce,
    (w) => fastOnce(w, w.rng.int(1, 100)),
    50.5 + w.vm.guard,
  );
}

function threadAlign(w: Worker): number {
  return w.wordBits === 64 ? 16_384 : 8192;
}

function* fixAlignOnce(w: Worker): Gen<boolean> {
  // __vmalloc_node(5 pages, THREAD_ALIGN << 1, GFP_KERNEL | __GFP_ZERO), then vfree: zeroed, never touched
  // (fix_align_alloc_test, lib/test_vmalloc.c 6.1 and 6.12). THREAD_ALIGN = THREAD_SIZE (include/linux/
  // thread_info.h): x86_64 PAGE_SIZE << (2 + KASAN_STACK_ORDER) = 16 KiB without KASAN, i386 PAGE_SIZE << 1
  // (asm/page_64_types.h, page_32_types.h, 6.12); other arches take the same two values here.
  const a = yield* vmalloc(w, 5, threadAlign(w) << 1, true);
  if (a < 0) return false;
  yield* vfree(w, a);
  return true;
}

function* fixAlign(w: Worker): Gen<boolean> {
  const align = Math.max(1, Math.floor((threadAlign(w) << 1) / w.pageBytes));
  return yield* loop(w, 'fix_align_alloc_test', fixAlignOnce, (w) => fastOnce(w, 5, align), 5 + w.vm.guard);
}

function* randomSizeAlignOnce(w: Worker): Gen<boolean> {
  const rnd = w.rng.int(0, 255);
  const a = yield* vmalloc(w, (rnd % 10) + 1, 2 ** (rnd % 23), true);
  if (a < 0) return false;
  yield* vfree(w, a);
  return true;
}

function fastRandomSizeAlign(w: Worker): void {
  const rnd = w.rng.int(0, 255);
  fastOnce(w, (rnd % 10) + 1, Math.max(1, Math.floor(2 ** (rnd % 23) / w.pageBytes)));
}

function* randomSizeAlign(w: Worker): Gen<boolean> {
  // (rnd % 10) + 1 over rnd in 0..255: 1,396 / 256 pages on average, + the guard page.
  return yield* loop(
    w,
    'random_size_align_alloc_test',
    randomSizeAlignOnce,
    fastRandomSizeAlign,
    1396 / 256 + w.vm.guard,
  );
}

function* alignShift(w: Worker): Gen<boolean> {
  // Expected to fail: some alignment up to 2^(BITS_PER_LONG−1) bytes no longer fits the vmalloc range.
  for (let i = 0; i < w.wordBits; i++) {
    const a = yield* vmalloc(w, 1, 2 ** i, true);
    if (a < 0) return false;
    yield* vfree(w, a);
  }
  return true;
}

function* pcpuAlloc(w: Worker): Gen<boolean> {
  // 35,000 __alloc_percpu(1..PAGE_SIZE/4 bytes, align 2..2048) then free_percpu of each. [U] the percpu
  // allocator is modelled only where it meets vmalloc: a chunk of unitPages per CPU is one vmap area
  // (pcpu_get_vm_areas: no guard page, never pooled), populated for every CPU; allocations bump through a
  // chunk's unit.
  // pcpu = vmalloc(sizeof(void __percpu *) * 35000) holds the pointers; vfree'd at the end (pcpu_alloc_test,
  // lib/test_vmalloc.c 6.1 and 6.12): 69 pages on 64-bit.
  const arr = yield* vmalloc(w, Math.ceil((35_000 * (w.wordBits / 8)) / w.pageBytes));
  if (arr < 0) return false;
  const { t } = w;
  const unitBytes = w.costs.pcpuUnitPages * w.pageBytes;
  const chunks: number[] = [];
  let used = unitBytes;
  let ok = true;
  for (let i = 0; i < 35_000; i++) {
    const size = w.rng.int(1, w.pageBytes / 4);
    const align = 2 ** w.rng.int(1, 11);
    const at = Math.ceil(used / align) * align;
    t.spend('pcpu_alloc', w.costs.pcpuAllocCycles);
    if (at + size <= unitBytes) {
      used = at + size;
      continue;
    }
    const pages = w.costs.pcpuUnitPages * w.cpus;
    const c = yield* pcpuChunk(w, pages);
    if (c < 0) {
      ok = false;
      continue;
    }
    chunks.push(c);
    used = size;
  }
  t.spend('free_percpu', w.costs.pcpuFreeCycles * 35_000);
  for (const c of chunks) yield* vfree(w, c);
  yield* vfree(w, arr);
  return ok;
}

function* vmMapRamOnce(w: Worker): Gen<boolean> {
  const n = nrPages(w);
  const a = yield* w.vm.mapRamArea(w.t, LAYOUT.pfnBase + (w.t.cpu << 20) + (a0(w) & 1) * n, n);
  if (a < 0) return false;
  w.touch(a);
  yield* w.vm.unmapRamArea(w.t, a);
  return true;
}

/** Alternates the frames mapped by successive vm_map_ram calls (the stale detector would see reuse). */
function a0(w: Worker): number {
  return w.vm.ledger.allocs;
}

function* vmMapRam(w: Worker): Gen<boolean> {
  return yield* loop(w, 'vm_map_ram_test', vmMapRamOnce);
}

/** run_test_mask bits in the order of test_case_array. 256 and 512 (kvfree_rcu) are not modelled. */
export const TEST_CASES: TestCase[] = [
  { bit: 1, name: 'fix_size_alloc_test', run: fixSize },
  { bit: 2, name: 'full_fit_alloc_test', run: fullFit },
  { bit: 4, name: 'long_busy_list_alloc_test', run: longBusyList },
  { bit: 8, name: 'random_size_alloc_test', run: randomSize },
  { bit: 16, name: 'fix_align_alloc_test', run: fixAlign },
  { bit: 32, name: 'random_size_align_alloc_test', run: randomSizeAlign },
  { bit: 64, name: 'align_shift_alloc_test', run: alignShift },
  { bit: 128, name: 'pcpu_alloc_test', run: pcpuAlloc },
  { bit: 1024, name: 'vm_map_ram_test', run: vmMapRam },
];

/** run_test_mask bits of the cases not modelled (kvfree_rcu_1_arg_vmalloc_test, kvfree_rcu_2_arg_vmalloc_test): skipped. */
export const UNMODELLED_BITS = 256 | 512;
