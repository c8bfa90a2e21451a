// What the makedumpfile model sees of a vmcore: the ELF layout (program headers, notes), the kernel's view
// (symbols read at start-up, page-table walks, where the mem_map lies) and each pfn's page class. Built from the
// image model (spec-from-image.ts) or from a real ELF vmcore file (node/read-vmcore.ts): the model is the same.

/** The makedumpfile versions whose code paths are modelled (sources-vmcore.md). */
export const MDF_VERSIONS = ['1.5.7', '1.5.8', '1.7.2'] as const;
/** One of {@link MDF_VERSIONS}. */
export type MdfVersion = (typeof MDF_VERSIONS)[number];

/** A PT_LOAD: physical frames [startPfn, startPfn + pages) at file offset `offset` (bytes) for startPfn. */
export interface LoadSeg {
  /** First physical frame of the segment. */
  startPfn: number;
  /** Frames in the segment (p_memsz / page size). */
  pages: number;
  /** File offset of `startPfn`'s page, bytes (p_offset). */
  offset: number;
}

/** One note of the PT_NOTE: what get_pt_note_info reads of it. */
export interface NoteHeader {
  /** The note's owner (`CORE`, `VMCOREINFO`). */
  name: string;
  /** n_namesz: bytes of the name with its NUL. */
  namesz: number;
  /** n_descsz: bytes of the descriptor. */
  descsz: number;
  /** n_type (NT_PRSTATUS 1, 0 for VMCOREINFO). */
  type: number;
}

/** A virtual-to-physical translation as makedumpfile walks it. */
export interface Translation {
  /** Physical frames of the table entries read, in order (each a readmem(PADDR, 8) through the cache). */
  tables: number[];
  /** Physical frame of the page. */
  pfn: number;
  /** Pages from this one on that translate through the same tables to consecutive frames (≥ 1). */
  span: number;
}

/** What makedumpfile learns of the crashed kernel: start-up reads, address translation, the mem_map. */
export interface KernelView {
  /** The crashed kernel's arch (x86_64, s390x, …). */
  arch: string;
  /** readmem(VADDR) calls of initial() before initialize_mmap, in order: [vaddr, bytes]. */
  startupReads(version: MdfVersion): [bigint, number][];
  /** vaddr_to_paddr of that version (undefined: not mapped). */
  translate(vaddr: bigint, version: MdfVersion): Translation | undefined;
  /** Optional fast path: translate(memMapBase + byteOffset) without BigInt (same result). */
  translateMemMap?(byteOffset: number, version: MdfVersion): Translation | undefined;
  /** Base of translateMemMap's offsets (default memMap[0].vaddr): vmemmap, where every section's mem_map lies. */
  memMapBase?: bigint;
  /** mem_map_data: flat (one region from pfn 0) or one per sparsemem section that has a mem_map. */
  memMap: { startPfn: number; endPfn: number; vaddr: bigint }[];
  /** SIZE(page): bytes per struct page. */
  structPageBytes: number;
  /** A page_is_buddy handler exists (PG_buddy, or PAGE_BUDDY_MAPCOUNT_VALUE + OFFSET(page._mapcount)). */
  buddyHandler: boolean;
  /** NUMBER(PG_hwpoison) is in VMCOREINFO: the mem_map is walked even at -d 0 and 1. */
  hwpoison: boolean;
  /** VMCOREINFO present (debug_info): without it only -d 0 and 1 work. */
  vmcoreinfo: boolean;
}

/** Visits page classes in pfn order: code (classes.ts CLASS_CODE), and for runs of blocks the block order. */
export type ClassVisitor = (pfn: number, pages: number, code: number, order: number) => void;

/** Runs by class in pfn order, orders ignored (ClassSource.forEachClassRun where it exists). */
export function forEachClassRun(
  src: ClassSource,
  fn: (pfn: number, pages: number, code: number) => void,
  fromPfn?: number,
  toPfn?: number,
): void {
  if (src.forEachClassRun) src.forEachClassRun(fn, fromPfn, toPfn);
  else src.forEachRun(fn, fromPfn, toPfn);
}

/** Each pfn's page class (what the dump levels exclude), as runs in pfn order. */
export interface ClassSource {
  /** Runs covering every pfn of every PT_LOAD once, ascending; free runs are buddy blocks of 2^order pages. */
  forEachRun(fn: ClassVisitor, fromPfn?: number, toPfn?: number): void;
  /** The same runs by class alone (orders not split): cheaper where the order does not matter. */
  forEachClassRun?(fn: (pfn: number, pages: number, code: number) => void, fromPfn?: number, toPfn?: number): void;
  /**
   * Free runs alone, whole (not clipped), those overlapping [fromPfn, toPfn), ascending; their buddy blocks are the
   * maximal aligned ones up to 2^maxOrder pages (buddy.ts). Lets the walk skip every other run.
   */
  freeRuns?: {
    maxOrder: number;
    forEach(fn: (start: number, end: number) => void, fromPfn: number, toPfn: number): void;
  };
}

/** Everything the makedumpfile model reads of one vmcore: ELF layout, notes, kernel view and page classes. */
export interface DumpSpec {
  /** The vmcore's arch (x86_64, s390x, …). */
  arch: string;
  /** Page size, bytes. */
  pageBytes: number;
  /** e_phnum: PT_NOTE + PT_LOADs (+ any other program header). */
  phnum: number;
  /** p_type of each program header, in order (PT_LOAD 1, PT_NOTE 4). */
  phdrTypes: number[];
  /** The PT_LOAD segments, in program-header order. */
  loads: LoadSeg[];
  /** File offset of the PT_NOTE segment, bytes. */
  noteOffset: number;
  /** Bytes of the PT_NOTE segment. */
  noteBytes: number;
  /** The notes of the PT_NOTE segment, in order. */
  notes: NoteHeader[];
  /** What makedumpfile learns of the crashed kernel. */
  kernel: KernelView;
  /** Each pfn's page class. */
  classes: ClassSource;
  /** Page-rounded highest PT_LOAD end, in pfns (max_mapnr before get_mem_map lowers it). */
  maxMapnr: number;
}
