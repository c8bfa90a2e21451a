// A second, independent ELF vmcore generator for the tests (no code shared with src/elf): written from the ELF-64
// spec (Ehdr, Phdr, Nhdr) and the x86_64 kdump layout as kexec and fs/proc/vmcore.c give it — PT_NOTE first at a
// page-aligned offset, a kernel-text PT_LOAD (p_vaddr in __START_KERNEL_map) before the RAM PT_LOADs, RAM mapped
// at page_offset_base — with a Linux 4.9-like struct page (mapping at 8, _mapcount at 24, private at 48; PG_lru 5,
// PG_private 11, PG_slab 7; free heads by _mapcount −128), a FLATMEM mem_map in the direct map or SPARSEMEM_EXTREME
// sections placed top-down, a direct map of 1 GiB or 2 MiB pages, and optional KASLR (text, direct map and vmemmap
// moved). Page classes are drawn by its own generator. `vmcore-dump --image` must read what this writes exactly
// as makedumpfile 1.7.2 does.
import { closeSync, ftruncateSync, openSync, writeSync } from 'node:fs';
import { allocator, type Layout, layoutOf, type Phys } from './foreign-layout.js';

export type ForeignClass = 'kernel' | 'zero' | 'cache' | 'private' | 'user' | 'free';
export const FOREIGN_CLASSES: readonly ForeignClass[] = ['kernel', 'zero', 'cache', 'private', 'user', 'free'];

export interface ForeignOptions {
  ramMiB: number;
  cpus: number;
  seed: number;
  sparse: boolean;
  /** kexec's kernel-text PT_LOAD first (its pages are also in a RAM PT_LOAD). */
  textLoad: boolean;
  directMap: '1g' | '2m';
  /** KASLR: text moved by this many 2 MiB steps, the kernel loaded elsewhere, page_offset_base/vmemmap_base moved. */
  kaslr?: boolean;
  /** Edit the VMCOREINFO lines before they are written (bad-input tests). */
  vmcoreinfo?: (lines: string[]) => string[];
}

export interface ForeignCore {
  /** Pages per class as planted (kernel: text/data, page tables, mem_map, and the rest drawn as kernel). */
  planted: Record<ForeignClass, number>;
  /** Kernel pages whose contents are all zero (makedumpfile -d 1 excludes them as zero pages). */
  zeroKernel: number;
  /** [pfn, pages, class, order] runs of RAM in pfn order (free: runs of blocks of 2^order). */
  runs: [number, number, ForeignClass, number][];
  layout: Layout;
}

const PAGE = 4096;

/** A small deterministic generator of its own (splitmix-style on 32-bit halves). */
function prng(seed: number): () => number {
  let s = seed >>> 0 || 0x9e3779b9;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Draws the class runs of the free RAM pfns (everything the layout did not reserve as kernel). */
function drawRuns(L: Layout, seed: number): ForeignCore['runs'] {
  const rnd = prng(seed);
  const runs: ForeignCore['runs'] = [];
  const push = (p: number, n: number, c: ForeignClass, o: number) => {
    const last = runs[runs.length - 1];
    if (last && last[0] + last[1] === p && last[2] === c && last[3] === o) last[1] += n;
    else runs.push([p, n, c, o]);
  };
  const weights: [ForeignClass, number][] = [
    ['kernel', 2],
    ['zero', 1],
    ['cache', 3],
    ['private', 1],
    ['user', 3],
    ['free', 4],
  ];
  for (const [a, b] of L.ram) {
    let p = a;
    while (p < b) {
      const r = L.reservedAt(p);
      if (r > p) {
        push(p, Math.min(r, b) - p, 'kernel', 0);
        p = Math.min(r, b);
        continue;
      }
      const limit = Math.min(b, L.nextReserved(p));
      let x = rnd() * 14;
      let cls: ForeignClass = 'free';
      for (const [c, w] of weights) {
        if (x < w) {
          cls = c;
          break;
        }
        x -= w;
      }
      if (cls !== 'free') {
        const n = Math.min(limit - p, 1 + Math.floor(rnd() * 48));
        push(p, n, cls, 0);
        p += n;
        continue;
      }
      // Free: a few buddy blocks, each naturally aligned, orders 0..10.
      for (let k = 1 + Math.floor(rnd() * 6); k > 0 && p < limit; k--) {
        let order = Math.floor(rnd() * 11);
        while (order > 0 && (p % 2 ** order !== 0 || p + 2 ** order > limit)) order--;
        push(p, 2 ** order, 'free', order);
        p += 2 ** order;
      }
    }
  }
  return runs;
}

/** Writes the vmcore at `path`. */
export function writeForeignCore(path: string, o: ForeignOptions): ForeignCore {
  const L = layoutOf(o);
  const runs = drawRuns(L, o.seed);
  const planted = Object.fromEntries(FOREIGN_CLASSES.map((c) => [c, 0])) as Record<ForeignClass, number>;
  for (const [, n, c] of runs) planted[c] += n;
  const phys: Phys = allocator(L, runs, o);
  const fd = openSync(path, 'w');
  try {
    const header = phys.header(o.vmcoreinfo);
    writeSync(fd, header, 0, header.length, 0);
    // Page contents: each PT_LOAD's pages at its file offsets (the text PT_LOAD repeats the kernel image).
    const buf = Buffer.alloc(256 * PAGE);
    for (const seg of L.segments) {
      for (let at = 0; at < seg.pages; ) {
        const n = Math.min(256, seg.pages - at);
        let any = false;
        for (let i = 0; i < n; i++) any = phys.page(seg.pfn + at + i, buf.subarray(i * PAGE, (i + 1) * PAGE)) || any;
        if (any) writeSync(fd, buf, 0, n * PAGE, seg.offset + at * PAGE);
        at += n;
      }
    }
    // The file ends where the last PT_LOAD ends, holes included.
    ftruncateSync(fd, Math.max(...L.segments.map((s) => s.offset + s.pages * PAGE)));
  } finally {
    closeSync(fd);
  }
  return { planted, zeroKernel: phys.zeroKernel(), runs, layout: L };
}
