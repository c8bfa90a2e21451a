// The physical and virtual layout of the test-only foreign vmcore (foreign-core.ts), and the bytes of every page
// and of the ELF header. x86_64 4-level paging: PGD → PUD → (1 GiB page | PMD → 2 MiB page). Written from the
// ELF-64 spec and the kernel's layout, independently of src/elf.
import type { ForeignClass, ForeignCore, ForeignOptions } from './foreign-core.js';

const PAGE = 4096;
const MAP = 0xffffffff80000000n; // __START_KERNEL_map
const GIB = 262144; // pfns per GiB
const SECTION = 32768; // pfns per 128 MiB section
const PRESENT = 0x63n; // present, rw, accessed, dirty
const LARGE = 0xe3n; // … and PSE

export interface Segment {
  pfn: number;
  pages: number;
  offset: number;
  vaddr: bigint;
}

export interface Layout {
  ram: [number, number][];
  maxPfn: number;
  kernelPfn: number;
  kernelPages: number;
  textVirt: bigint;
  pageOffset: bigint;
  vmemmap: bigint;
  physBase: bigint;
  kaslrOffset: bigint;
  segments: Segment[];
  headerBytes: number;
  /** Kernel data pages by role: absolute pfns inside the kernel image. */
  k: Record<string, number>;
  pmdDirect: number[];
  pmdVmemmap: number[];
  roots: number[];
  sectionPages: Map<number, number>;
  /** Sparse: present section → pfn of its 2 MiB mem_map chunk; flat: the array's first pfn in `flatMemMap`. */
  chunks: Map<number, number>;
  flatMemMap: number;
  sparse: boolean;
  reservedAt(p: number): number;
  nextReserved(p: number): number;
}

export function layoutOf(o: ForeignOptions): Layout {
  if (o.ramMiB < 96) throw new RangeError('the foreign core needs at least 96 MiB of RAM');
  const pages = o.ramMiB * 256;
  const holeAt = 0xe0000; // RAM below 3.5 GiB, the rest from 4 GiB
  const ram: [number, number][] = [[256, Math.min(256 + pages, holeAt)]];
  if (256 + pages > holeAt) ram.push([0x100000, 0x100000 + 256 + pages - holeAt]);
  const maxPfn = ram[ram.length - 1][1];
  const kaslr = o.kaslr ?? false;
  const kernelPfn = kaslr ? 12288 : 4096; // loaded at 48 MiB with KASLR, else 16 MiB
  const kernelPages = 2048; // 8 MiB of text and data, 2 MiB aligned
  const kaslrOffset = kaslr ? 0x1400000n : 0n;
  const textVirt = MAP + 0x1000000n + kaslrOffset;
  const physBase = BigInt(kernelPfn * PAGE) - (textVirt - MAP);
  const pageOffset = kaslr ? 0xffff9b8000000000n : 0xffff888000000000n;
  const vmemmap = kaslr ? 0xffffd90000000000n : 0xffffea0000000000n;
  // Kernel data inside the kernel image, from its second MiB.
  let next = kernelPfn + 256;
  const take = (n = 1) => {
    const p = next;
    next += n;
    return p;
  };
  const gib = Math.ceil(maxPfn / GIB);
  const k: Record<string, number> = { pgd: take(), pudDirect: take(), pudText: take(), pmdText: take(), uts: take() };
  const pmdDirect = o.directMap === '2m' ? Array.from({ length: gib }, () => take()) : [];
  const sections = Math.ceil(maxPfn / SECTION);
  const present = new Set<number>();
  for (const [a, b] of ram) for (let s = Math.floor(a / SECTION); s * SECTION < b; s++) present.add(s);
  const sparse = o.sparse;
  k.pudVmemmap = sparse ? take() : -1;
  const pmdVmemmap = sparse ? Array.from({ length: Math.ceil(sections / 512) }, () => take()) : [];
  const roots = sparse ? Array.from({ length: 4 }, () => take()) : [];
  const sectionPages = new Map<number, number>();
  if (sparse) for (const s of present) if (!sectionPages.has(s >> 8)) sectionPages.set(s >> 8, take());
  if (next > kernelPfn + kernelPages) throw new RangeError('foreign core: kernel data overflows the kernel image');
  // mem_map top-down from the end of the first RAM range: a 2 MiB chunk per present section, or one flat array.
  let top = ram[0][1] - (ram[0][1] % 512);
  const chunks = new Map<number, number>();
  let flatMemMap = -1;
  if (sparse) {
    for (const s of [...present].sort((x, y) => x - y)) {
      top -= 512;
      chunks.set(s, top);
    }
  } else {
    top -= Math.ceil((maxPfn * 64) / PAGE / 512) * 512;
    flatMemMap = top;
  }
  if (top < kernelPfn + kernelPages) throw new RangeError('foreign core: RAM too small for its mem_map');
  const reserved: [number, number][] = [
    [kernelPfn, kernelPfn + kernelPages],
    [top, ram[0][1]],
  ];
  // PT_LOADs: the kernel text first (kexec), then RAM; offsets page aligned after the page-rounded header and notes.
  const segs: Omit<Segment, 'offset'>[] = [];
  if (o.textLoad) segs.push({ pfn: kernelPfn, pages: kernelPages, vaddr: textVirt });
  for (const [a, b] of ram) segs.push({ pfn: a, pages: b - a, vaddr: pageOffset + BigInt(a * PAGE) });
  const headerBytes = Math.ceil((64 + 56 * (1 + segs.length)) / PAGE) * PAGE;
  return {
    ram,
    maxPfn,
    kernelPfn,
    kernelPages,
    textVirt,
    pageOffset,
    vmemmap,
    physBase,
    kaslrOffset,
    segments: segs.map((s) => ({ ...s, offset: 0 })),
    headerBytes,
    k,
    pmdDirect,
    pmdVmemmap,
    roots,
    sectionPages,
    chunks,
    flatMemMap,
    sparse,
    reservedAt: (p) => {
      for (const [a, b] of reserved) if (p >= a && p < b) return b;
      return p;
    },
    nextReserved: (p) => Math.min(...reserved.map(([a]) => (a > p ? a : Number.POSITIVE_INFINITY))),
  };
}

export interface Phys {
  header(edit?: (lines: string[]) => string[]): Buffer;
  /** Fills `out` (one page) with pfn's contents; false if it is all zero (left a hole). */
  page(pfn: number, out: Buffer): boolean;
  zeroKernel(): number;
}

const idx = (v: bigint, shift: bigint) => Number((v >> shift) & 511n);

export function allocator(L: Layout, runs: ForeignCore['runs'], o: ForeignOptions): Phys {
  const starts = runs.map((r) => r[0]);
  const classAt = (pfn: number): [ForeignClass, number] | null => {
    let lo = 0;
    let hi = runs.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid] <= pfn) lo = mid;
      else hi = mid - 1;
    }
    const r = runs[lo];
    return r && pfn >= r[0] && pfn < r[0] + r[1] ? [r[2], r[3]] : null;
  };
  const text = (pfn: number) => L.textVirt + BigInt((pfn - L.kernelPfn) * PAGE);
  const direct = (pfn: number) => L.pageOffset + BigInt(pfn * PAGE);
  const phys = (pfn: number) => BigInt(pfn * PAGE);
  const memMapVar = text(L.k.uts) + 2048n;
  const kernelData = new Map<number, (b: Buffer) => void>();
  const put = (b: Buffer, i: number, v: bigint) => b.writeBigUInt64LE(BigInt.asUintN(64, v), i * 8);
  kernelData.set(L.k.pgd, (b) => {
    put(b, idx(L.pageOffset, 39n), phys(L.k.pudDirect) | PRESENT);
    put(b, idx(L.textVirt, 39n), phys(L.k.pudText) | PRESENT);
    if (L.sparse) put(b, idx(L.vmemmap, 39n), phys(L.k.pudVmemmap) | PRESENT);
  });
  kernelData.set(L.k.pudDirect, (b) => {
    for (let g = 0; g * GIB < L.maxPfn; g++) {
      const e = L.pmdDirect.length ? phys(L.pmdDirect[g]) | PRESENT : (BigInt(g) << 30n) | LARGE;
      put(b, idx(L.pageOffset, 30n) + g, e);
    }
  });
  L.pmdDirect.forEach((p, g) => {
    kernelData.set(p, (b) => {
      for (let i = 0; i < 512; i++) put(b, i, (BigInt(g * 512 + i) << 21n) | LARGE);
    });
  });
  kernelData.set(L.k.pudText, (b) => put(b, idx(L.textVirt, 30n), phys(L.k.pmdText) | PRESENT));
  kernelData.set(L.k.pmdText, (b) => {
    for (let j = 0; j < L.kernelPages / 512; j++) put(b, idx(L.textVirt, 21n) + j, phys(L.kernelPfn + j * 512) | LARGE);
  });
  kernelData.set(L.k.uts, (b) => {
    const f = ['Linux', 'foreign', '5.4.0-foreign', '#1 SMP', 'x86_64', '(none)'];
    f.forEach((s, i) => {
      b.write(s, 4 + i * 65, 'latin1');
    });
    if (!L.sparse) b.writeBigUInt64LE(direct(L.flatMemMap), 2048); // FLATMEM: mem_map is memblock memory
  });
  if (L.sparse) {
    kernelData.set(L.k.pudVmemmap, (b) => {
      L.pmdVmemmap.forEach((p, j) => {
        put(b, idx(L.vmemmap, 30n) + j, phys(p) | PRESENT);
      });
    });
    L.pmdVmemmap.forEach((p, j) => {
      kernelData.set(p, (b) => {
        for (let i = 0; i < 512; i++) {
          const chunk = L.chunks.get(j * 512 + i); // a section's 2 MiB of struct pages is one PMD entry
          if (chunk !== undefined) put(b, i, phys(chunk) | LARGE);
        }
      });
    });
    L.roots.forEach((p, j) => {
      kernelData.set(p, (b) => {
        for (let i = 0; i < 512; i++) {
          const sp = L.sectionPages.get(j * 512 + i);
          if (sp !== undefined) put(b, i, direct(sp));
        }
      });
    });
    for (const [root, p] of L.sectionPages) {
      kernelData.set(p, (b) => {
        for (let i = 0; i < 256; i++) {
          const s = root * 256 + i;
          // sparse_encode_mem_map: mem_map − section start pfn × sizeof(struct page), plus present|has_mem_map.
          if (L.chunks.has(s)) b.writeBigUInt64LE(BigInt.asUintN(64, L.vmemmap | 3n), i * 16);
        }
      });
    }
  }
  const structPage = (b: Buffer, at: number, pfn: number) => {
    const c = pfn < L.maxPfn ? classAt(pfn) : null;
    let flags = 1n << 10n; // PG_reserved: holes and kernel pages
    let mapping = 0n;
    let mapcount = -1;
    let refcount = 1;
    let priv = 0n;
    if (c) {
      const [cls, order] = c;
      if (cls !== 'kernel') flags = 0n;
      if (cls === 'cache' || cls === 'private') {
        flags = (1n << 5n) | (1n << 3n) | (cls === 'private' ? 1n << 11n : 0n);
        mapping = L.pageOffset + 0x4000000n;
        if (cls === 'private') priv = L.pageOffset + 0x5000000n + BigInt(pfn * 104);
      } else if (cls === 'user') {
        flags = (1n << 5n) | (1n << 3n) | (1n << 19n);
        mapping = (L.pageOffset + 0x6000000n) | 1n;
        mapcount = 0;
      } else if (cls === 'free') {
        refcount = 0;
        if (pfn % 2 ** order === 0) {
          mapcount = -128; // PAGE_BUDDY_MAPCOUNT_VALUE before page types (4.18)
          priv = BigInt(order);
        }
      }
    }
    b.writeBigUInt64LE(flags, at);
    b.writeBigUInt64LE(mapping, at + 8);
    b.writeBigUInt64LE(BigInt(pfn), at + 16);
    b.writeInt32LE(mapcount, at + 24);
    b.writeInt32LE(refcount, at + 28);
    b.writeBigUInt64LE(priv, at + 48);
  };
  const memMapPage = (pfn: number, out: Buffer): boolean => {
    let first = -1;
    if (L.sparse) {
      for (const [s, c] of L.chunks) if (pfn >= c && pfn < c + 512) first = s * SECTION + (pfn - c) * 64;
    } else if (pfn >= L.flatMemMap && L.flatMemMap >= 0) first = (pfn - L.flatMemMap) * 64;
    if (first < 0) return false;
    for (let i = 0; i < 64; i++) structPage(out, i * 64, first + i);
    return true;
  };
  return {
    header: (edit) => header(L, o, edit, text, memMapVar, direct),
    page(pfn, out) {
      out.fill(0);
      const kd = kernelData.get(pfn);
      if (kd) {
        kd(out);
        return true;
      }
      if (memMapPage(pfn, out)) return true;
      const c = classAt(pfn);
      if (!c || c[0] === 'zero') return false;
      out.writeUInt32LE(pfn ^ 0x5a5a5a5a, 0);
      out.writeUInt32LE(o.seed + 1, 100);
      return true;
    },
    zeroKernel() {
      const b = Buffer.alloc(PAGE);
      let n = 0;
      for (const f of kernelData.values()) {
        b.fill(0);
        f(b);
        if (b.every((x) => x === 0)) n++;
      }
      return n;
    },
  };
}

function note(name: string, type: number, desc: Buffer): Buffer {
  const pad = (n: number) => (n + 3) & ~3;
  const b = Buffer.alloc(12 + pad(name.length + 1) + pad(desc.length));
  b.writeUInt32LE(name.length + 1, 0);
  b.writeUInt32LE(desc.length, 4);
  b.writeUInt32LE(type, 8);
  b.write(name, 12, 'latin1');
  desc.copy(b, 12 + pad(name.length + 1));
  return b;
}

function header(
  L: Layout,
  o: ForeignOptions,
  edit: ((lines: string[]) => string[]) | undefined,
  text: (pfn: number) => bigint,
  memMapVar: bigint,
  direct: (pfn: number) => bigint,
): Buffer {
  const hex = (v: bigint) => v.toString(16);
  let lines = [
    'OSRELEASE=5.4.0-foreign',
    'PAGESIZE=4096',
    `SYMBOL(init_uts_ns)=${hex(text(L.k.uts))}`,
    'OFFSET(uts_namespace.name)=4',
    ...(L.sparse
      ? [
          `SYMBOL(mem_section)=${hex(direct(L.roots[0]))}`,
          'LENGTH(mem_section)=2048',
          'SIZE(mem_section)=16',
          'OFFSET(mem_section.section_mem_map)=0',
          'NUMBER(SECTION_SIZE_BITS)=27',
          'NUMBER(MAX_PHYSMEM_BITS)=46',
        ]
      : [`SYMBOL(mem_map)=${hex(memMapVar)}`]),
    'SIZE(page)=64',
    'OFFSET(page.flags)=0',
    'OFFSET(page._refcount)=28',
    'OFFSET(page.mapping)=8',
    'OFFSET(page.lru)=32',
    'OFFSET(page._mapcount)=24',
    'OFFSET(page.private)=48',
    'NUMBER(PG_lru)=5',
    'NUMBER(PG_private)=11',
    'NUMBER(PG_swapcache)=8',
    'NUMBER(PG_swapbacked)=19',
    'NUMBER(PG_slab)=7',
    'NUMBER(PG_head_mask)=16384',
    'NUMBER(PAGE_BUDDY_MAPCOUNT_VALUE)=-128',
    `SYMBOL(init_top_pgt)=${hex(text(L.k.pgd))}`,
    'NUMBER(pgtable_l5_enabled)=0',
    `NUMBER(phys_base)=${L.physBase}`,
    ...(L.kaslrOffset ? [`KERNELOFFSET=${hex(L.kaslrOffset)}`] : []),
  ];
  if (edit) lines = edit(lines);
  const notes = [
    ...Array.from({ length: o.cpus }, () => note('CORE', 1, Buffer.alloc(336))),
    note('VMCOREINFO', 0, Buffer.from(`${lines.join('\n')}\n`, 'latin1')),
  ];
  const notesBuf = Buffer.concat(notes);
  const phnum = 1 + L.segments.length;
  let off = L.headerBytes + Math.ceil(notesBuf.length / PAGE) * PAGE;
  for (const s of L.segments) {
    s.offset = off;
    off += s.pages * PAGE;
  }
  const h = Buffer.alloc(L.headerBytes + notesBuf.length);
  h.set([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1], 0);
  h.writeUInt16LE(4, 16); // ET_CORE
  h.writeUInt16LE(62, 18); // EM_X86_64
  h.writeUInt32LE(1, 20);
  h.writeBigUInt64LE(64n, 32);
  h.writeUInt16LE(64, 52);
  h.writeUInt16LE(56, 54);
  h.writeUInt16LE(phnum, 56);
  const ph = (i: number, type: number, offset: number, vaddr: bigint, paddr: bigint, size: number) => {
    const b = 64 + 56 * i;
    h.writeUInt32LE(type, b);
    h.writeUInt32LE(type === 1 ? 7 : 0, b + 4);
    h.writeBigUInt64LE(BigInt(offset), b + 8);
    h.writeBigUInt64LE(BigInt.asUintN(64, vaddr), b + 16);
    h.writeBigUInt64LE(paddr, b + 24);
    h.writeBigUInt64LE(BigInt(size), b + 32);
    h.writeBigUInt64LE(BigInt(size), b + 40);
  };
  ph(0, 4, L.headerBytes, 0n, 0n, notesBuf.length);
  L.segments.forEach((s, i) => {
    ph(1 + i, 1, s.offset, s.vaddr, BigInt(s.pfn * PAGE), s.pages * PAGE);
  });
  notesBuf.copy(h, L.headerBytes);
  return h;
}
