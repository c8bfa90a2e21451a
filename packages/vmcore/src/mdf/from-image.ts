// A DumpSpec for the image model: what makedumpfile would see in the vmcore of that image. On x86_64 it is
// exactly the file `kmemsim vmcore-image` writes (elf/: kernel data block, page tables, flat mem_map at
// VMEMMAP_START in 2 MiB pages, one CORE note per CPU); on s390 the kdump kernel's own ELF header (§1: prpsinfo
// + 7 notes per CPU) and [U] placements of the kernel data; other arches a flat mem_map with linear translation.
import { CLASS_CODE } from '../classes.js';
import { type KernelLayout, kernelLayout } from '../elf/kernel-layout.js';
import { vmcoreinfoText } from '../elf/vmcoreinfo.js';
import {
  MEM_SECTION_SIZE,
  PAGES_PER_SECTION,
  SECTIONS_PER_ROOT,
  START_KERNEL_MAP,
  PAGE_OFFSET as X86_PAGE_OFFSET,
  VMEMMAP_START as X86_VMEMMAP,
} from '../elf/x86.js';
import type { VmcoreImage } from '../image.js';
import { IMAGE } from '../params.js';
import { forEachRun } from '../runs.js';
import type { ClassSource, DumpSpec, KernelView, NoteHeader, Translation } from './types.js';

/** How {@link specFromImage} lays out the vmcore of an image: crashed CPUs, VMCOREINFO content, alignment. */
export interface SpecOptions {
  /** CPUs of the crashed machine: their notes are read at start-up. */
  crashCpus: number;
  /** VMCOREINFO has NUMBER(PG_hwpoison). */
  hwpoison?: boolean;
  /** s390: the vector facility adds 2 notes per CPU (§1). */
  s390Vector?: boolean;
  /** PT_LOADs page aligned after page-rounded header and notes (/proc/vmcore since 3.11, the default). */
  pageAlignedSegments?: boolean;
}

/** Free runs as buddy blocks (maximal aligned, up to MAX_ORDER − 1), grouped into pieces of equal order. */
export function imageClasses(img: VmcoreImage): ClassSource {
  const maxOrder = IMAGE.maxOrder;
  return {
    forEachRun(fn, from = 0, to = Number.POSITIVE_INFINITY) {
      forEachRun(
        img,
        (a, n, code, rs, rn) => {
          if (code !== CLASS_CODE.free) return fn(a, n, code, 0);
          const b = a + n;
          const e = rs + rn;
          let p = rs;
          while (p < b) {
            let k = 0;
            while (k < maxOrder && p % 2 ** (k + 1) === 0 && p + 2 ** (k + 1) <= e) k++;
            const size = 2 ** k;
            const q = k === maxOrder ? p + Math.floor((e - p) / size) * size : p + size;
            if (q > a) fn(Math.max(p, a), Math.min(q, b) - Math.max(p, a), code, k);
            p = q;
          }
        },
        from,
        to,
      );
    },
    forEachClassRun(fn, from = 0, to = Number.POSITIVE_INFINITY) {
      forEachRun(img, fn, from, to);
    },
    freeRuns: {
      maxOrder,
      forEach(fn, from, to) {
        const S = img.freeRunStart;
        const N = img.freeRunPages;
        // The first free run ending after `from`.
        let lo = 0;
        let hi = S.length;
        while (lo < hi) {
          const mid = (lo + hi) >> 1;
          if (S[mid] + N[mid] <= from) lo = mid + 1;
          else hi = mid;
        }
        for (let i = lo; i < S.length && S[i] < to; i++) fn(S[i], S[i] + N[i]);
      },
    },
  };
}

function notesOf(img: VmcoreImage, o: SpecOptions, vmcoreinfoBytes: number): NoteHeader[] {
  const notes: NoteHeader[] = [];
  if (img.arch === 's390') {
    // elfcorehdr_alloc: prpsinfo, then per CPU prstatus, fpregset, timer, tod_cmp, tod_preg, ctrs, prefix
    // (+ vxrs_low, vxrs_high with the vector facility), then VMCOREINFO.
    notes.push({ name: 'CORE', namesz: 5, descsz: 136, type: 3 });
    const per: [string, number][] = [
      ['CORE', 1],
      ['CORE', 2],
      ['LINUX', 0x301],
      ['LINUX', 0x302],
      ['LINUX', 0x303],
      ['LINUX', 0x304],
      ['LINUX', 0x305],
    ];
    if (o.s390Vector) per.push(['LINUX', 0x30a], ['LINUX', 0x30b]);
    for (let c = 0; c < o.crashCpus; c++)
      for (const [name, type] of per) notes.push({ name, namesz: name.length + 1, descsz: 8, type });
  } else {
    // kexec's crash_save_cpu: one NT_PRSTATUS "CORE" note per CPU that saved its registers.
    for (let c = 0; c < o.crashCpus; c++) notes.push({ name: 'CORE', namesz: 5, descsz: 336, type: 1 });
  }
  notes.push({ name: 'VMCOREINFO', namesz: 11, descsz: vmcoreinfoBytes, type: 0 });
  return notes;
}

/** Bytes of a note: header, name and descriptor, each padded to 4. */
const noteBytes = (n: NoteHeader) => 12 + ((n.namesz + 3) & ~3) + ((n.descsz + 3) & ~3);

/** [U 500..1200] VMCOREINFO text size of a kernel of the era (kmemsim's x86_64 file: its real text). */
const VMCOREINFO_BYTES = 800;

/** The vmcore /proc/vmcore would show for an image model: ELF layout, notes, kernel view and page classes. */
export function specFromImage(img: VmcoreImage, o: SpecOptions): DumpSpec {
  const page = img.pageBytes;
  const kernel = img.arch === 'x86_64' && page === 4096 ? x86Kernel(img, o) : flatKernel(img, o);
  const notes = notesOf(img, o, kernel.vmcoreinfoBytes);
  const phnum = 1 + img.loads.length;
  const noteOffset = 64 + 56 * phnum;
  const notesLen = notes.reduce((s, n) => s + noteBytes(n), 0);
  // /proc/vmcore since 3.11: segments start page aligned after the page-rounded header and notes; before, right
  // after the notes, and PT_LOAD data keeps its offset within the page (p_offset ≡ paddr mod PAGE_SIZE only since).
  let off = o.pageAlignedSegments === false ? noteOffset + notesLen : Math.ceil((noteOffset + notesLen) / page) * page;
  const loads = img.loads.map((l) => {
    const seg = { startPfn: l.startPfn, pages: l.pages, offset: off };
    off += l.pages * page;
    return seg;
  });
  return {
    arch: img.arch,
    pageBytes: page,
    phnum,
    phdrTypes: [4, ...img.loads.map(() => 1)],
    loads,
    noteOffset,
    noteBytes: notesLen,
    notes,
    kernel: kernel.view,
    classes: imageClasses(img),
    maxMapnr: img.maxPfn,
  };
}

/** The x86_64 kernel of `vmcore-image` files (elf/kernel-layout.ts), with Linux 6.0 offsets. */
function x86Kernel(img: VmcoreImage, o: SpecOptions): { view: KernelView; vmcoreinfoBytes: number } {
  const l = kernelLayout({
    loads: img.loads,
    memMapPfn: img.memMap.startPfn,
    kernelDataPfn: img.kernelDataPfn,
    memoryModel: img.memoryModel,
  });
  const kd = img.kernelDataPfn;
  const sz = img.memMap.structPageBytes;
  const PMD = 512;
  const kdPmd = Math.floor(kd / PMD);
  const sparse = l.memoryModel === 'sparse';
  const pmdsPerSection = (PAGES_PER_SECTION * sz) / (PMD * 4096);
  const vmemmap = (byte: number): Translation | undefined => {
    const idx = Math.floor(byte / (PMD * 4096));
    // Sparse: only sections with RAM have their vmemmap populated.
    if (sparse && !l.present(Math.floor(idx / pmdsPerSection))) return undefined;
    const within = Math.floor((byte % (PMD * 4096)) / 4096);
    const pmdPage = kd + l.pmdVmemmap + Math.floor(idx / 512);
    return {
      tables: [kd + l.pgd, kd + l.pudVmemmap, pmdPage],
      pfn: l.memMapPfn + idx * PMD + within,
      span: PMD - within,
    };
  };
  const translate = (v: bigint): Translation | undefined => {
    if (v >= START_KERNEL_MAP) {
      const pfn = Number((v - START_KERNEL_MAP) / 4096n);
      const pmd = Math.floor(pfn / PMD);
      if (pmd === kdPmd) return { tables: [kd + l.pgd, kd + l.pudText, kd + l.pmdText, kd + l.pteText], pfn, span: 1 };
      return { tables: [kd + l.pgd, kd + l.pudText, kd + l.pmdText], pfn, span: (pmd + 1) * PMD - pfn };
    }
    if (v >= X86_VMEMMAP) return vmemmap(Number(v - X86_VMEMMAP));
    if (v >= X86_PAGE_OFFSET) {
      const pfn = Number((v - X86_PAGE_OFFSET) / 4096n);
      const gib = 512 * 512;
      return { tables: [kd + l.pgd, kd + l.pudDirect], pfn, span: (Math.floor(pfn / gib) + 1) * gib - pfn };
    }
    return undefined;
  };
  const view: KernelView = {
    arch: 'x86_64',
    // check_release: init_uts_ns (struct new_utsname, 6 × 65 bytes); get_mem_map: the mem_map pointer (flat), or
    // (sparse, get_mm_sparsemem as observed from 1.7.2) the root pointers of the sections below max_mapnr, then
    // each section's struct mem_section.
    startupReads: () => [[l.initUtsNs, 390], ...(sparse ? sparseReads(l) : [[l.memMapSymbol, 8] as [bigint, number]])],
    translate(v, version) {
      const t = translate(v);
      // 1.5.x (vaddr_to_paddr_x86_64): direct map and kernel text are linear; vmemmap walks (§3).
      if (t && version !== '1.7.2' && v < X86_VMEMMAP) return { tables: [], pfn: t.pfn, span: 1 << 30 };
      return t;
    },
    translateMemMap: vmemmap,
    memMapBase: X86_VMEMMAP,
    memMap: sparse ? sectionMemMaps(l, sz) : [{ startPfn: 0, endPfn: l.maxPfn, vaddr: X86_VMEMMAP }],
    structPageBytes: sz,
    buddyHandler: true,
    hwpoison: o.hwpoison ?? false,
    vmcoreinfo: true,
  };
  return { view, vmcoreinfoBytes: new TextEncoder().encode(vmcoreinfoText(l, { hwpoison: o.hwpoison })).length };
}

/** get_mm_sparsemem's reads: 8 bytes per root the sections below max_mapnr need, 16 per section of a root. */
function sparseReads(l: KernelLayout): [bigint, number][] {
  const roots = Math.ceil(l.sections / SECTIONS_PER_ROOT);
  const out: [bigint, number][] = [[l.memSectionSymbol, 8 * roots]];
  for (let s = 0; s < l.sections; s++) {
    const root = Math.floor(s / SECTIONS_PER_ROOT);
    if (!l.rootUsed(root)) continue; // a NULL root: no read
    const page = X86_PAGE_OFFSET + BigInt((l.kernelDataPfn + l.sectionPages + root) * 4096);
    out.push([page + BigInt((s % SECTIONS_PER_ROOT) * MEM_SECTION_SIZE), MEM_SECTION_SIZE]);
  }
  return out;
}

/** One mem_map region per section with RAM (dump_mem_map per section), capped at max_mapnr. */
function sectionMemMaps(l: KernelLayout, sz: number): KernelView['memMap'] {
  const out: KernelView['memMap'] = [];
  for (let s = 0; s < l.sections; s++) {
    if (!l.present(s)) continue;
    const a = s * PAGES_PER_SECTION;
    out.push({ startPfn: a, endPfn: Math.min(a + PAGES_PER_SECTION, l.maxPfn), vaddr: X86_VMEMMAP + BigInt(a * sz) });
  }
  return out;
}

/** s390 and plugin arches: identity-mapped kernel data at the kernel image, vmemmap walked through [U] tables. */
function flatKernel(img: VmcoreImage, o: SpecOptions): { view: KernelView; vmcoreinfoBytes: number } {
  const kd = img.kernelDataPfn;
  const sz = img.memMap.structPageBytes;
  const page = img.pageBytes;
  const VMEMMAP = 1n << 52n; // above high_memory: every mem_map page is walked (vtop_s390x)
  const s390 = img.arch === 's390';
  // [U] s390: swapper_pg_dir (region-third table, 4 pages) at kd + 1, the vmemmap segment table at kd + 5,
  // vmemmap in 1 MiB large segments (EDAT1), so a walk reads 3 table pages: the level probe at swapper_pg_dir,
  // the region-third entry, the segment entry.
  const segPages = s390 ? 256 : 512;
  const view: KernelView = {
    arch: img.arch,
    // s390 get_machdep_info (high_memory), check_release (init_uts_ns), get_mem_map: one kernel data page [U].
    startupReads: () => [
      [BigInt(kd * page), 8],
      [BigInt(kd * page + 512), 390],
      [BigInt(kd * page + 1024), 8],
    ],
    translate(v) {
      if (v < VMEMMAP) {
        // vaddr_to_paddr_general: inside a PT_LOAD's virtual range (p_vaddr = p_paddr), linear.
        return { tables: [], pfn: Number(v / BigInt(page)), span: 2 ** 40 };
      }
      const idx = Math.floor(Number(v - VMEMMAP) / page);
      const within = idx % segPages;
      const seg = Math.floor(idx / segPages);
      const segTablePage = kd + 5 + Math.floor((seg * 8) / page);
      return { tables: [kd + 1, kd + 1, segTablePage], pfn: img.memMap.startPfn + idx, span: segPages - within };
    },
    translateMemMap(byte) {
      const idx = Math.floor(byte / page);
      const within = idx % segPages;
      const segTablePage = kd + 5 + Math.floor((Math.floor(idx / segPages) * 8) / page);
      return { tables: [kd + 1, kd + 1, segTablePage], pfn: img.memMap.startPfn + idx, span: segPages - within };
    },
    memMap: [{ startPfn: 0, endPfn: img.memMap.structs, vaddr: VMEMMAP }],
    structPageBytes: sz,
    buddyHandler: true,
    hwpoison: o.hwpoison ?? false,
    vmcoreinfo: true,
  };
  return { view, vmcoreinfoBytes: VMCOREINFO_BYTES };
}
