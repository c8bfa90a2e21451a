// `vmcore-dump --image FILE`: a real ELF vmcore (what /proc/vmcore of a crashed x86_64 kernel gives) read the
// way makedumpfile reads it — program headers, notes, VMCOREINFO, the kernel's page tables from init_top_pgt,
// the mem_map — into a DumpSpec. Page classes come from the struct pages (streamed in 4 MiB pieces), never from
// page contents, so a sparse 64 GiB file costs its mem_map, not its size. Every problem is one VmcoreFileError.
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import type { DumpSpec, KernelView, LoadSeg, NoteHeader, Translation } from '../mdf/types.js';
import { classifyMemMap } from './classify.js';
import { findMemMap, type MemMapLayout } from './mem-map.js';
import { parseVmcoreinfo, type Vmcoreinfo } from './vmcoreinfo-parse.js';

/** A vmcore file kmemsim cannot read (not ELF, truncated, other arch, VMCOREINFO lacking a key, …): one line. */
export class VmcoreFileError extends Error {}

const PAGE = 4096;
const MAX_NOTE_BYTES = 64 * 2 ** 20;
const START_KERNEL_MAP = 0xffffffff80000000n;
const PAGE_OFFSET_4L = 0xffff888000000000n;
const ADDR_MASK = 0x000ffffffffff000n;

/** A real vmcore file as {@link readVmcoreFile} read it: the makedumpfile model's input and what the file says. */
export interface VmcoreFileInfo {
  /** The file as the makedumpfile model sees it (simulateSpec's input). */
  spec: DumpSpec;
  /** The file read. */
  path: string;
  /** Its size, bytes. */
  fileBytes: number;
  /** Its VMCOREINFO note. */
  vmcoreinfo: Vmcoreinfo;
  /** CPUs of the crashed machine (NT_PRSTATUS notes). */
  cpus: number;
  /** The crashed kernel's release (VMCOREINFO OSRELEASE; '' if absent). */
  osrelease: string;
  /** Where the file's mem_map lies: one flat array, or per present section (SPARSEMEM). */
  memMap: MemMapLayout;
  /** What VMCOREINFO lacks for dump level `level` ('' if nothing): such a run is refused, not guessed. */
  missingFor(level: number): string;
}

/** The VMCOREINFO keys each dump-level bit needs here (__exclude_unnecessary_pages, setup_page_is_buddy). */
function missingKeys(vi: Vmcoreinfo, level: number): string {
  const need: string[] = [];
  if (level & (2 | 4 | 8 | 16) || vi.has('NUMBER(PG_hwpoison)')) need.push('SIZE(page)', 'OFFSET(page.flags)');
  if (level & (2 | 4)) need.push('NUMBER(PG_lru)', 'OFFSET(page.mapping)');
  if (level & 2) need.push('NUMBER(PG_private)');
  if (level & 8) need.push('OFFSET(page.mapping)');
  const lacking = need.filter((k) => !vi.has(k));
  if (level & 16 && !buddyKeys(vi)) {
    lacking.push(
      'NUMBER(PG_buddy) or NUMBER(PAGE_BUDDY_MAPCOUNT_VALUE) with OFFSET(page._mapcount), and OFFSET(page.private) ' +
        '(the free-list walk without them is not modelled)',
    );
  }
  return [...new Set(lacking)].join(', ');
}

/** A page_is_buddy handler can be set up (setup_page_is_buddy: v2 by PG_buddy, v3 by the _mapcount value). */
function buddyKeys(vi: Vmcoreinfo): boolean {
  if (!vi.has('OFFSET(page.private)')) return false;
  return (
    vi.has('NUMBER(PG_buddy)') || (vi.has('NUMBER(PAGE_BUDDY_MAPCOUNT_VALUE)') && vi.has('OFFSET(page._mapcount)'))
  );
}

/** Positional reads with bounds: never past the file, never more than asked. */
class Bytes {
  /** Set when the file is closed: a read after it is a bug (everything the model needs is loaded while open). */
  closed = false;
  constructor(
    readonly fd: number,
    readonly size: number,
  ) {}
  read(off: number, n: number, what: string): Buffer {
    if (this.closed) throw new Error(`internal: ${what} read after the vmcore file was closed`);
    if (off < 0 || n < 0 || off + n > this.size) {
      throw new VmcoreFileError(
        `${what} at offset ${off} (+${n} bytes) lies past the end of the file (${this.size} bytes)`,
      );
    }
    const b = Buffer.alloc(n);
    let got = 0;
    while (got < n) {
      const k = readSync(this.fd, b, got, n - got, off + got);
      if (k <= 0) throw new VmcoreFileError(`${what}: short read at offset ${off + got}`);
      got += k;
    }
    return b;
  }
}

/**
 * Reads a real x86_64 ELF vmcore as makedumpfile does — program headers, notes, VMCOREINFO, page tables from
 * init_top_pgt, the mem_map's struct pages — into a DumpSpec. Throws VmcoreFileError for anything it cannot read.
 */
export function readVmcoreFile(path: string): VmcoreFileInfo {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (e) {
    throw new VmcoreFileError(`cannot open ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) throw new VmcoreFileError(`${path} is not a regular file (an ELF vmcore file is expected)`);
    const bytes = new Bytes(fd, st.size);
    try {
      return parse(bytes, path);
    } finally {
      bytes.closed = true;
    }
  } finally {
    closeSync(fd);
  }
}

function parse(f: Bytes, path: string): VmcoreFileInfo {
  if (f.size < 64) throw new VmcoreFileError(`${path} is ${f.size} bytes: too short for an ELF header (64)`);
  const eh = f.read(0, 64, 'ELF header');
  if (eh.readUInt32BE(0) !== 0x7f454c46) throw new VmcoreFileError(`${path} is not an ELF file (no \\x7fELF magic)`);
  if (eh[4] !== 2 || eh[5] !== 1) throw new VmcoreFileError(`${path}: only 64-bit little-endian ELF cores are read`);
  const type = eh.readUInt16LE(16);
  const machine = eh.readUInt16LE(18);
  if (type !== 4) throw new VmcoreFileError(`${path}: ELF type ${type}, expected 4 (ET_CORE)`);
  if (machine !== 62) throw new VmcoreFileError(`${path}: ELF machine ${machine}, only x86_64 (62) vmcores are read`);
  const phoff = Number(eh.readBigUInt64LE(32));
  const phentsize = eh.readUInt16LE(54);
  const phnum = eh.readUInt16LE(56);
  if (phentsize !== 56) throw new VmcoreFileError(`${path}: e_phentsize ${phentsize}, expected 56`);
  if (phnum === 0 || phnum === 0xffff) throw new VmcoreFileError(`${path}: e_phnum ${phnum} (1..65534 expected)`);
  const ph = f.read(phoff, 56 * phnum, 'program headers');
  const loads: LoadSeg[] = [];
  const types: number[] = [];
  let note: { off: number; size: number } | null = null;
  let textPhysBase: bigint | undefined;
  for (let i = 0; i < phnum; i++) {
    const b = i * 56;
    const t = ph.readUInt32LE(b);
    types.push(t);
    const off = Number(ph.readBigUInt64LE(b + 8));
    const paddr = Number(ph.readBigUInt64LE(b + 24));
    const filesz = Number(ph.readBigUInt64LE(b + 32));
    if (t === 4) {
      if (filesz > MAX_NOTE_BYTES) throw new VmcoreFileError(`${path}: PT_NOTE of ${filesz} bytes (at most 64 MiB)`);
      note = { off, size: filesz };
    } else if (t === 1) {
      if (off + filesz > f.size) {
        throw new VmcoreFileError(
          `${path}: PT_LOAD ${i} ends at ${off + filesz}, past the end of the file (${f.size})`,
        );
      }
      if (paddr % PAGE !== 0 || filesz % PAGE !== 0) {
        throw new VmcoreFileError(`${path}: PT_LOAD ${i} is not page aligned (paddr ${paddr}, size ${filesz})`);
      }
      loads.push({ startPfn: paddr / PAGE, pages: filesz / PAGE, offset: off });
      // kexec's kernel-text PT_LOAD (p_vaddr in __START_KERNEL_map): get_phys_base_x86_64's source of phys_base.
      const vaddr = ph.readBigUInt64LE(b + 16);
      if (vaddr >= START_KERNEL_MAP && textPhysBase === undefined)
        textPhysBase = BigInt(paddr) - (vaddr - START_KERNEL_MAP);
    }
  }
  if (!note) throw new VmcoreFileError(`${path}: no PT_NOTE (a vmcore has notes: NT_PRSTATUS per CPU, VMCOREINFO)`);
  if (loads.length === 0) throw new VmcoreFileError(`${path}: no PT_LOAD`);
  const { notes, info } = readNotes(f, note.off, note.size, path);
  const vi = parseVmcoreinfo(info, path);
  const physBase = vi.physBase ?? textPhysBase ?? 0n;
  if (vi.kaslrOffset !== 0n && vi.physBase === undefined && textPhysBase === undefined) {
    throw new VmcoreFileError(
      `${path}: KASLR (KERNELOFFSET=${vi.kaslrOffset.toString(16)}) without NUMBER(phys_base) or a kernel-text ` +
        'PT_LOAD: the physical address of init_top_pgt is unknown',
    );
  }
  const walker = new Walker(f, loads, vi, physBase);

  const maxMapnr = loads.reduce((m, l) => Math.max(m, l.startPfn + l.pages), 0);
  const mm = findMemMap(walker, vi, maxMapnr, path);
  const classes = classifyMemMap(f, walker, vi, mm.regions, loads);
  // The model translates these again after the file is closed: load their page tables now.
  for (const [v, n] of [[vi.symbol('init_uts_ns'), 390] as [bigint, number], ...mm.reads])
    for (let p = v - (v % BigInt(PAGE)); p < v + BigInt(n); p += BigInt(PAGE)) walker.translate(p);
  const kernel: KernelView = {
    arch: 'x86_64',
    // check_release (init_uts_ns), then get_mem_map's reads.
    startupReads: () => [[vi.symbol('init_uts_ns') + BigInt(vi.offset('uts_namespace.name', 0)), 390], ...mm.reads],
    translate: (v, version) => {
      if (version !== '1.7.2' && v < vi.vmemmapStart()) {
        const base = v >= START_KERNEL_MAP ? START_KERNEL_MAP - physBase : PAGE_OFFSET_4L;
        return { tables: [], pfn: Number((v - base) / BigInt(PAGE)), span: 1 << 30 };
      }
      return walker.translate(v);
    },
    memMap: mm.regions,
    structPageBytes: vi.has('SIZE(page)') ? vi.size('page') : 64,
    buddyHandler: buddyKeys(vi),
    hwpoison: vi.has('NUMBER(PG_hwpoison)'),
    vmcoreinfo: true,
  };
  const cpus = notes.filter((n) => n.name === 'CORE' && n.type === 1).length;
  return {
    spec: {
      arch: 'x86_64',
      pageBytes: PAGE,
      phnum,
      phdrTypes: types,
      loads,
      noteOffset: note.off,
      noteBytes: note.size,
      notes,
      kernel,
      classes,
      maxMapnr,
    },
    path,
    fileBytes: f.size,
    vmcoreinfo: vi,
    cpus,
    osrelease: vi.get('OSRELEASE') ?? '',
    memMap: mm,
    missingFor: (level) => missingKeys(vi, level),
  };
}

function readNotes(f: Bytes, off: number, size: number, path: string): { notes: NoteHeader[]; info: string } {
  const buf = f.read(off, size, 'PT_NOTE');
  const notes: NoteHeader[] = [];
  let info: string | null = null;
  const pad4 = (n: number) => (n + 3) & ~3;
  for (let at = 0; at + 12 <= size; ) {
    const namesz = buf.readUInt32LE(at);
    const descsz = buf.readUInt32LE(at + 4);
    const type = buf.readUInt32LE(at + 8);
    const end = at + 12 + pad4(namesz) + pad4(descsz);
    if (namesz > size || descsz > size || end > size) {
      throw new VmcoreFileError(
        `${path}: note at offset ${off + at} claims name ${namesz} and desc ${descsz} bytes, past the PT_NOTE (${size})`,
      );
    }
    if (namesz === 0 && descsz === 0 && type === 0) break;
    const name = buf.toString('latin1', at + 12, at + 12 + Math.max(0, namesz - 1));
    notes.push({ name, namesz, descsz, type });
    if (name === 'VMCOREINFO') info = buf.toString('latin1', at + 12 + pad4(namesz), at + 12 + pad4(namesz) + descsz);
    at = end;
  }
  if (info === null) throw new VmcoreFileError(`${path}: no VMCOREINFO note (the kernel data makedumpfile needs)`);
  return { notes, info };
}

/** The 4-level walk of 1.7.2's vtop4_x86_64 over the file's own page tables (table pages cached). */
export class Walker {
  private readonly tables = new Map<number, Buffer>();
  private readonly root: number;
  constructor(
    private readonly f: Bytes,
    private readonly loads: LoadSeg[],
    vi: Vmcoreinfo,
    physBase: bigint,
  ) {
    // vtop4_x86_64: the PGD at init_top_pgt − __START_KERNEL_map + phys_base (VMCOREINFO symbols are run-time
    // addresses, KASLR's offset included).
    const pgd = vi.symbol('init_top_pgt') - START_KERNEL_MAP + physBase;
    if (pgd < 0n || pgd % BigInt(PAGE) !== 0n)
      throw new VmcoreFileError(`SYMBOL(init_top_pgt) with phys_base ${physBase} gives PGD at ${pgd}, not a page`);
    this.root = Number(pgd / BigInt(PAGE));
  }

  /** File offset of a pfn (paddr_to_offset: the first PT_LOAD that holds it), or −1. */
  offsetOf(pfn: number): number {
    for (const l of this.loads)
      if (pfn >= l.startPfn && pfn < l.startPfn + l.pages) return l.offset + (pfn - l.startPfn) * PAGE;
    return -1;
  }

  page(pfn: number, what: string): Buffer {
    let b = this.tables.get(pfn);
    if (!b) {
      const off = this.offsetOf(pfn);
      if (off < 0) throw new VmcoreFileError(`${what}: physical page ${pfn} is in no PT_LOAD`);
      b = this.f.read(off, PAGE, what);
      this.tables.set(pfn, b);
    }
    return b;
  }

  translate(v: bigint): Translation | undefined {
    const tables: number[] = [];
    let table = this.root;
    const shifts = [39n, 30n, 21n, 12n];
    for (const sh of shifts) {
      tables.push(table);
      const idx = Number((v >> sh) & 511n);
      const e = this.page(table, 'a page table').readBigUInt64LE(idx * 8);
      if ((e & 1n) === 0n) return undefined;
      const next = Number((e & ADDR_MASK) / BigInt(PAGE));
      const large = sh !== 12n && sh !== 39n && (e & 0x80n) !== 0n;
      if (sh === 12n || large) {
        const pages = Number(1n << (sh - 12n));
        const within = Number((v >> 12n) & BigInt(pages - 1));
        const base = large ? Number((e & ADDR_MASK & ~((1n << sh) - 1n)) / BigInt(PAGE)) : next;
        return { tables, pfn: base + within, span: pages - within };
      }
      table = next;
    }
    return undefined;
  }

  readU64(v: bigint, what: string): bigint {
    const t = this.translate(v);
    if (!t) throw new VmcoreFileError(`${what} at ${v.toString(16)} is not mapped by init_top_pgt`);
    const off = Number(v % BigInt(PAGE));
    return this.page(t.pfn, what).readBigUInt64LE(off);
  }

  /** Bytes [v, v + n) of kernel virtual memory, page by page (n small). */
  bytes(v: bigint, n: number, what: string): Buffer {
    const out = Buffer.alloc(n);
    for (let at = 0; at < n; ) {
      const va = v + BigInt(at);
      const t = this.translate(va);
      if (!t) throw new VmcoreFileError(`${what} at ${va.toString(16)} is not mapped`);
      const off = Number(va % BigInt(PAGE));
      const k = Math.min(n - at, PAGE - off);
      const fo = this.offsetOf(t.pfn);
      if (fo < 0) throw new VmcoreFileError(`${what}: physical page ${t.pfn} is in no PT_LOAD`);
      this.f.read(fo + off, k, what).copy(out, at);
      at += k;
    }
    return out;
  }
}

export type { Bytes };
