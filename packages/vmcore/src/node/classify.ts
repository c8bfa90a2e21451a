// Each pfn's page class from its struct page, by makedumpfile's rules (__exclude_unnecessary_pages, 1.7.2):
// a free buddy block's head (PG_buddy, or _mapcount == PAGE_BUDDY_MAPCOUNT_VALUE with PG_slab clear) with its
// order in `private`; page cache by PG_lru and a file mapping, private cache if PG_private too; user data by the
// anon bit of `mapping`; anything else is kept (kernel). Streams the mem_map in 4 MiB pieces into runs.
import { CLASS_CODE } from '../classes.js';
import type { ClassSource, KernelView, LoadSeg } from '../mdf/types.js';
import type { Bytes, Walker } from './vmcore-file.js';
import { VmcoreFileError } from './vmcore-file.js';
import type { Vmcoreinfo } from './vmcoreinfo-parse.js';

const PIECE = 4 * 2 ** 20;
const MAX_ORDER = 10;

class Runs implements ClassSource {
  n = 0;
  start = new Float64Array(1024);
  len = new Float64Array(1024);
  code = new Uint8Array(1024);
  order = new Uint8Array(1024);
  push(s: number, l: number, c: number, o: number): void {
    const i = this.n - 1;
    if (i >= 0 && this.code[i] === c && this.order[i] === o && this.start[i] + this.len[i] === s) {
      this.len[i] += l;
      return;
    }
    if (this.n === this.start.length) {
      const g = (a: Float64Array) => {
        const b = new Float64Array(a.length * 2);
        b.set(a);
        return b;
      };
      this.start = g(this.start);
      this.len = g(this.len);
      const c8 = new Uint8Array(this.code.length * 2);
      c8.set(this.code);
      this.code = c8;
      const o8 = new Uint8Array(this.order.length * 2);
      o8.set(this.order);
      this.order = o8;
    }
    this.start[this.n] = s;
    this.len[this.n] = l;
    this.code[this.n] = c;
    this.order[this.n] = o;
    this.n++;
  }
  forEachRun(fn: (p: number, n: number, c: number, o: number) => void, from = 0, to = Number.POSITIVE_INFINITY): void {
    let lo = 0;
    let hi = this.n;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.start[mid] + this.len[mid] <= from) lo = mid + 1;
      else hi = mid;
    }
    for (let i = lo; i < this.n; i++) {
      const s = this.start[i];
      if (s >= to) return;
      const a = Math.max(s, from);
      const b = Math.min(s + this.len[i], to);
      if (b > a) fn(a, b - a, this.code[i], this.order[i]);
    }
  }
}

export function classifyMemMap(
  f: Bytes,
  w: Walker,
  vi: Vmcoreinfo,
  regions: KernelView['memMap'],
  loads: LoadSeg[],
): ClassSource {
  const runs = new Runs();
  // Without the keys of a walk, every pfn is kept (a level that needs them is refused: vmcore-file missingFor).
  const walkable = vi.has('SIZE(page)') && vi.has('OFFSET(page.flags)');
  const sz = walkable ? vi.size('page') : 0;
  if (walkable && (sz < 16 || sz > 256)) throw new VmcoreFileError(`SIZE(page)=${sz} is implausible (16..256)`);
  const off = (m: string) => (vi.has(`OFFSET(${m})`) ? vi.offset(m) : -1);
  const oFlags = off('page.flags');
  const oMapping = off('page.mapping');
  const oMapcount = off('page._mapcount');
  const oPrivate = off('page.private');
  for (const o of [oFlags, oMapping, oMapcount, oPrivate])
    if (o >= 0 && o + 4 > sz) throw new VmcoreFileError(`a struct page offset (${o}) lies past SIZE(page)=${sz}`);
  const bit = (name: string) => (vi.has(`NUMBER(${name})`) ? 1n << BigInt(vi.number(name)) : 0n);
  const PG_lru = oMapping >= 0 ? bit('PG_lru') : 0n;
  const PG_private = bit('PG_private');
  const PG_slab = bit('PG_slab');
  const PG_buddy = oPrivate >= 0 ? bit('PG_buddy') : 0n;
  const buddyValue =
    vi.has('NUMBER(PAGE_BUDDY_MAPCOUNT_VALUE)') && oMapcount >= 0 && oPrivate >= 0
      ? vi.number('PAGE_BUDDY_MAPCOUNT_VALUE')
      : null;
  // Each pfn of a PT_LOAD (overlaps counted once), in pfn order: with its region's struct page, or none (no
  // mem_map covers it: makedumpfile never looks at it and it stays dumpable, i.e. kept like kernel data).
  const spans: [number, number, bigint | null, number][] = [];
  const sorted = [...loads].sort((a, b) => a.startPfn - b.startPfn);
  const regs = [...regions].sort((a, b) => a.startPfn - b.startPfn);
  let done = 0;
  for (const l of sorted) {
    let at = Math.max(l.startPfn, done);
    const to = l.startPfn + l.pages;
    for (const r of regs) {
      const a = Math.max(at, r.startPfn);
      const b = Math.min(to, r.endPfn);
      if (a >= b) continue;
      if (a > at) spans.push([at, a, null, 0]);
      spans.push([a, b, r.vaddr, r.startPfn]);
      at = b;
    }
    if (to > at) spans.push([at, to, null, 0]);
    done = Math.max(done, to);
  }
  let blockEnd = -1;
  let blockOrder = 0;
  for (const [a, end, base, first] of spans) {
    let pfn = a;
    if (base === null || !walkable) {
      runs.push(a, end - a, CLASS_CODE.kernel, 0);
      continue;
    }
    while (pfn < end) {
      // One piece: struct pages of consecutive pfns that translate to consecutive physical pages.
      const va = base + BigInt(pfn - first) * BigInt(sz);
      const t = w.translate(va);
      if (!t) throw new VmcoreFileError(`the struct page of pfn ${pfn} (${va.toString(16)}) is not mapped`);
      const inPage = Number(va % 4096n);
      const bytesAvail = t.span * 4096 - inPage;
      const count = Math.min(end - pfn, Math.floor(Math.min(bytesAvail, PIECE) / sz));
      if (count <= 0) throw new VmcoreFileError(`struct page of pfn ${pfn} straddles unmapped memory`);
      const off = w.offsetOf(t.pfn);
      if (off < 0) throw new VmcoreFileError(`mem_map page ${t.pfn} is in no PT_LOAD`);
      const buf = f.read(off + inPage, count * sz, 'mem_map');
      for (let i = 0; i < count; i++, pfn++) {
        if (pfn < blockEnd) {
          runs.push(pfn, 1, CLASS_CODE.free, blockOrder);
          continue;
        }
        const b = i * sz;
        const flags = buf.readBigUInt64LE(b + oFlags);
        const mapping = oMapping >= 0 ? buf.readBigUInt64LE(b + oMapping) : 0n;
        const mapcount = oMapcount >= 0 ? buf.readInt32LE(b + oMapcount) : 0;
        const buddy = PG_buddy
          ? (flags & PG_buddy) !== 0n
          : buddyValue !== null && (flags & PG_slab) === 0n && mapcount === buddyValue;
        if (buddy) {
          const order = Math.min(MAX_ORDER, Number(buf.readBigUInt64LE(b + oPrivate) & 0xffn));
          blockOrder = order;
          blockEnd = pfn + 2 ** order;
          runs.push(pfn, 1, CLASS_CODE.free, order);
        } else if (PG_lru !== 0n && (flags & PG_lru) !== 0n && (mapping & 1n) === 0n && mapping !== 0n) {
          runs.push(pfn, 1, (flags & PG_private) !== 0n ? CLASS_CODE.private : CLASS_CODE.cache, 0);
        } else if (oMapping >= 0 && (mapping & 1n) !== 0n) runs.push(pfn, 1, CLASS_CODE.user, 0);
        else runs.push(pfn, 1, CLASS_CODE.kernel, 0);
      }
    }
  }
  return runs;
}
