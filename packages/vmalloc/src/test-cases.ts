// The cases of lib/test_vmalloc.c, each a generator run by one worker thread: `yield* c.run(w)` returns false
// when the case fails (an allocation that returned NULL). vmalloc() here is a vmap area plus its pages: page
// allocation, PTEs, and at vfree the pages freed (costs in TEST_VMALLOC).
import type { Rng, Thread } from '@kmemsim/core';
import { LAYOUT, TEST_VMALLOC } from './params.js';
import type { Gen, VmArea, Vmap } from './types.js';

export interface Worker {
  t: Thread;
  vm: Vmap;
  rng: Rng;
  loops: number;
  /** nr_pages for vm_map_ram_test (0 ⇒ 1). */
  nrPages: number;
  pageBytes: number;
  wordBits: number;
  cpus: number;
  touch(a: VmArea): void;
}

/** vmalloc(pages) with optional byte alignment and zeroing; null when no space fits. */
export function* vmalloc(w: Worker, pages: number, alignBytes = 0, zero = false): Gen<VmArea | null> {
  const { t, vm } = w;
  t.spend('__vmalloc_area_node', TEST_VMALLOC.allocPageCycles * pages);
  const align = Math.max(1, Math.floor(alignBytes / w.pageBytes));
  const a = yield* vm.tryAlloc(t, pages, align);
  if (a === null) return null;
  vm.map(t, a, LAYOUT.pfnBase + (t.cpu << 20) + (a.id % 4096) * 128);
  if (zero) t.spend('memset', TEST_VMALLOC.zeroCyclesPerByte * pages * w.pageBytes);
  return a;
}

export function* vfree(w: Worker, a: VmArea): Gen {
  yield* w.vm.free(w.t, a);
  w.t.spend('__vunmap', TEST_VMALLOC.freePageCycles * a.pages);
}

export interface TestCase {
  bit: number;
  name: string;
  run(w: Worker): Gen<boolean>;
}

function* fixSize(w: Worker): Gen<boolean> {
  for (let i = 0; i < w.loops; i++) {
    const a = yield* vmalloc(w, 3);
    if (a === null) return false;
    w.touch(a);
    yield* vfree(w, a);
  }
  return true;
}

function* fullFit(w: Worker): Gen<boolean> {
  // junk_length = fls(num_online_cpus()) × 32 MB of pages: two interleaved 1-page runs, the junk one freed.
  const junk = Math.floor(Math.log2(w.cpus) + 1) * Math.floor((32 * 2 ** 20) / w.pageBytes);
  const keep: VmArea[] = [];
  const drop: VmArea[] = [];
  let ok = true;
  for (let i = 0; i < junk; i++) {
    const p = yield* vmalloc(w, 1);
    const j = yield* vmalloc(w, 1);
    if (p === null || j === null) ok = false;
    if (p !== null) keep.push(p);
    if (j !== null) drop.push(j);
  }
  for (const j of drop) yield* vfree(w, j);
  for (let i = 0; ok && i < w.loops; i++) {
    const a = yield* vmalloc(w, 1);
    if (a === null) ok = false;
    else yield* vfree(w, a);
  }
  for (const p of keep) yield* vfree(w, p);
  return ok;
}

function* longBusyList(w: Worker): Gen<boolean> {
  const busy: VmArea[] = [];
  let ok = true;
  const arr = yield* vmalloc(w, Math.ceil((15_000 * (w.wordBits / 8)) / w.pageBytes));
  for (let i = 0; i < 15_000; i++) {
    const a = yield* vmalloc(w, 1);
    if (a !== null) busy.push(a);
  }
  for (let i = 0; ok && i < w.loops; i++) {
    const a = yield* vmalloc(w, 100);
    if (a === null) {
      ok = false;
      break;
    }
    const b = yield* vmalloc(w, 1);
    if (b === null) {
      yield* vfree(w, a);
      ok = false;
      break;
    }
    w.touch(a);
    w.touch(b);
    yield* vfree(w, a);
    yield* vfree(w, b);
  }
  for (const a of busy) yield* vfree(w, a);
  if (arr !== null) yield* vfree(w, arr);
  return ok && arr !== null;
}

function* randomSize(w: Worker): Gen<boolean> {
  for (let i = 0; i < w.loops; i++) {
    const a = yield* vmalloc(w, w.rng.int(1, 100));
    if (a === null) return false;
    w.touch(a);
    yield* vfree(w, a);
  }
  return true;
}

function* fixAlign(w: Worker): Gen<boolean> {
  // __vmalloc_node(5 pages, THREAD_ALIGN << 1): THREAD_SIZE 16 KiB on 64-bit, 8 KiB on 32-bit [U]
  const threadAlign = w.wordBits === 64 ? 16_384 : 8192;
  for (let i = 0; i < w.loops; i++) {
    const a = yield* vmalloc(w, 5, threadAlign << 1);
    if (a === null) return false;
    w.touch(a);
    yield* vfree(w, a);
  }
  return true;
}

function* randomSizeAlign(w: Worker): Gen<boolean> {
  for (let i = 0; i < w.loops; i++) {
    const rnd = w.rng.int(0, 255);
    const a = yield* vmalloc(w, (rnd % 10) + 1, 2 ** (rnd % 23), true);
    if (a === null) return false;
    yield* vfree(w, a);
  }
  return true;
}

function* alignShift(w: Worker): Gen<boolean> {
  // Expected to fail: some alignment up to 2^(BITS_PER_LONG−1) bytes no longer fits the vmalloc range.
  for (let i = 0; i < w.wordBits; i++) {
    const a = yield* vmalloc(w, 1, 2 ** i, true);
    if (a === null) return false;
    yield* vfree(w, a);
  }
  return true;
}

function* pcpuAlloc(w: Worker): Gen<boolean> {
  // 35,000 __alloc_percpu(1..PAGE_SIZE/4 bytes, align 2..2048) then free_percpu of each. [U] the percpu
  // allocator is modelled only where it meets vmalloc: a chunk of unitPages per CPU is one vmap area
  // (pcpu_get_vm_areas), populated for every CPU; allocations bump through a chunk's unit.
  const { t } = w;
  const unitBytes = TEST_VMALLOC.pcpuUnitPages * w.pageBytes;
  const chunks: VmArea[] = [];
  let used = unitBytes;
  let ok = true;
  for (let i = 0; i < 35_000; i++) {
    const size = w.rng.int(1, w.pageBytes / 4);
    const align = 2 ** w.rng.int(1, 11);
    const at = Math.ceil(used / align) * align;
    t.spend('pcpu_alloc', TEST_VMALLOC.pcpuAllocCycles);
    if (at + size <= unitBytes) {
      used = at + size;
      continue;
    }
    const pages = TEST_VMALLOC.pcpuUnitPages * w.cpus;
    const c = yield* vmalloc(w, pages);
    if (c === null) {
      ok = false;
      continue;
    }
    chunks.push(c);
    used = size;
  }
  t.spend('free_percpu', TEST_VMALLOC.pcpuFreeCycles * 35_000);
  for (const c of chunks) yield* vfree(w, c);
  return ok;
}

function* vmMapRam(w: Worker): Gen<boolean> {
  const n = w.nrPages > 0 ? w.nrPages : 1;
  for (let i = 0; i < w.loops; i++) {
    const a = yield* w.vm.mapRam(w.t, LAYOUT.pfnBase + (w.t.cpu << 20) + (i & 1) * n, n);
    w.touch(a);
    yield* w.vm.unmapRam(w.t, a);
  }
  return true;
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

export const UNMODELLED_BITS = 256 | 512;
