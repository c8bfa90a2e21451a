// The cases of lib/test_vmalloc.c, each a generator run by one worker thread: `yield* c.run(w)` returns false
// when the case fails (an allocation that returned NULL). vmalloc() here is a vmap area plus its pages: page
// allocation, PTEs, and at vfree the pages freed (costs in TEST_VMALLOC). Areas are integer handles, so
// full_fit's millions of areas cost typed-array slots. The loops over test_loop_count run under the sampler.
import { fastAlloc, fastFree } from '../mechanism/functional.js';
import { LAYOUT } from '../mechanism/params.js';
import type { Gen } from '../types.js';
import { AllocEach, AllocTouchFree, LongBusyOnce } from './test-case-bodies.js';
import {
  build,
  type CaseShape,
  fastFreeEach,
  fastOnce,
  freeEach,
  loop,
  nrPages,
  pcpuChunk,
  type TestCase,
  vfree,
  vmalloc,
  type Worker,
} from './test-case-kit.js';

export {
  type CaseShape,
  TEST_VMALLOC,
  type TestCase,
  type TestVmallocCosts,
  vfree,
  vmalloc,
  type Worker,
} from './test-case-kit.js';

// fix_size_alloc_test: vmalloc(nr_pages (default 1) pages), touch, vfree (lib/test_vmalloc.c of the module version
// that has vm_map_ram_test, Debian linux-source-6.12; 6.1 the same). The first version (2019) allocated 3 pages
// (recalled, no source here): `--nr-pages 3` runs that workload.
// The iteration (vmalloc, touch, vfree) is test-case-bodies.ts AllocTouchFree.
function* fixSize(w: Worker): Gen<boolean> {
  const n = nrPages(w);
  return yield* loop(w, 'fix_size_alloc_test', new AllocTouchFree(w, n), (w) => fastOnce(w, n), n + w.vm.guard);
}

// full_fit_alloc_test's loop: tmp = vmalloc(1 page); *tmp = 1; vfree(tmp) (lib/test_vmalloc.c, 6.1 and 6.12):
// AllocTouchFree of 1 page.

// junk_length = fls(num_online_cpus()) × 32 MB of pages: two interleaved 1-page runs, the junk one freed.
function junkLength(cpus: number, pageBytes: number): number {
  return Math.floor(Math.log2(cpus) + 1) * Math.floor((32 * 2 ** 20) / pageBytes);
}

/** Areas one full_fit_alloc_test worker holds at most: its two pointer arrays and 2 · junk_length pages. */
export function fullFitAreas(cpus: number, pageBytes: number): number {
  return 2 + 2 * junkLength(cpus, pageBytes);
}

function* fullFit(w: Worker): Gen<boolean> {
  const junk = junkLength(w.cpus, w.pageBytes);
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
    new AllocEach(
      1,
      (i, id) => {
        if (i & 1) drop[i >> 1] = id;
        else keep[i >> 1] = id;
      },
      true,
    ),
    (from, k) => {
      for (let i = from; i < from + k; i++) {
        const id = fastAlloc(vm, cpu, 1);
        if (i & 1) drop[i >> 1] = id;
        else keep[i >> 1] = id;
      }
    },
    true,
  );
  // junk_ptr[i] freed in order while ptr[0..i] stay below it: where vfree walks vmlist, a walk that grows with i.
  yield* build(w, 'full_fit_alloc_test:free-junk', junk, freeEach(drop), fastFreeEach(vm, drop), false, true);
  const ok =
    made && (yield* loop(w, 'full_fit_alloc_test', new AllocTouchFree(w, 1), (w) => fastOnce(w, 1), 1 + vm.guard));
  yield* build(w, 'full_fit_alloc_test:tear-down', junk, freeEach(keep), fastFreeEach(vm, keep));
  yield* vfree(w, arr);
  yield* vfree(w, arr2);
  return ok;
}

// long_busy_list_alloc_test's iteration (vmalloc 100 and 1 pages, touch both, vfree both) is LongBusyOnce.
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
    new AllocEach(1, (i, id) => (busy[i] = id), false),
    (from, k) => {
      for (let i = from; i < from + k; i++) busy[i] = fastAlloc(vm, cpu, 1);
    },
    true,
  );
  const ok = yield* loop(
    w,
    'long_busy_list_alloc_test',
    new LongBusyOnce(w),
    fastLongBusy,
    101 + 2 * vm.guard,
    true,
    2,
  );
  yield* build(w, 'long_busy_list_alloc_test:tear-down', 15_000, freeEach(busy), fastFreeEach(vm, busy));
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
  { bit: 1, name: 'fix_size_alloc_test', run: fixSize, sampledLoops: loopCount },
  // set-up 2 · junk_length, free-junk and tear-down junk_length each, and the main loop.
  {
    bit: 2,
    name: 'full_fit_alloc_test',
    run: fullFit,
    sampledLoops: (s) => 4 * junkLength(s.cpus, s.pageBytes) + s.loops,
  },
  // set-up and tear-down of the 15,000 busy areas, and the main loop.
  { bit: 4, name: 'long_busy_list_alloc_test', run: longBusyList, sampledLoops: (s) => 30_000 + s.loops },
  { bit: 8, name: 'random_size_alloc_test', run: randomSize, sampledLoops: loopCount },
  { bit: 16, name: 'fix_align_alloc_test', run: fixAlign, sampledLoops: loopCount },
  { bit: 32, name: 'random_size_align_alloc_test', run: randomSizeAlign, sampledLoops: loopCount },
  // Neither runs a loop under the sampler (BITS_PER_LONG allocations; 35,000 percpu allocations in place).
  { bit: 64, name: 'align_shift_alloc_test', run: alignShift, sampledLoops: () => 0 },
  { bit: 128, name: 'pcpu_alloc_test', run: pcpuAlloc, sampledLoops: () => 0 },
  { bit: 1024, name: 'vm_map_ram_test', run: vmMapRam, sampledLoops: loopCount },
];

function loopCount(s: CaseShape): number {
  return s.loops;
}

/** run_test_mask bits of the cases not modelled (kvfree_rcu_1_arg_vmalloc_test, kvfree_rcu_2_arg_vmalloc_test): skipped. */
export const UNMODELLED_BITS = 256 | 512;
