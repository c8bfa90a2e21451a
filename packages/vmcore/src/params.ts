// Parameters of the vmcore model, each next to its source. Arch-dependent costs (syscall entry, copies, ioremap,
// PTE writes, TLB misses) come from the Machine's arch profile; here are the physical layouts, makedumpfile's own
// constants and its user-space costs. "calibrated: seed 001 …" names the published figure a value was set from
// (shared/reference/seed-figures.md); [U] marks a documented assumption; "observed 1.7.2" cites the behaviour of
// the Debian makedumpfile 1.7.2 summarised at the end of shared/reference/kernel-mechanisms.md.
import { sourced } from '@kmemsim/mmu';

const GiB = 2 ** 30;
const MiB = 2 ** 20;
const INF = Number.POSITIVE_INFINITY;

export interface LayoutParams {
  /** Windows of physical address space RAM fills in order, [from, to) in bytes. */
  ramWindowsBytes: readonly (readonly [number, number])[];
  /** A PT_LOAD beyond RAM that the vmcore also lists (0: none). */
  extraLoadBytes: number;
  kernelImageAtBytes: number;
  memMapAlignBytes: number;
  source: string;
}

export const LAYOUTS: Record<string, LayoutParams> = {
  x86_64: {
    ramWindowsBytes: [
      [4096, 0xa0000],
      [MiB, 3 * GiB],
      [4 * GiB, INF],
    ],
    extraLoadBytes: 0,
    kernelImageAtBytes: 16 * MiB,
    memMapAlignBytes: 2 * MiB,
    source:
      'PC e820 map: page 0 and 640 KiB..1 MiB reserved (BIOS, VGA), [U] PCI hole 3..4 GiB; kernel at ' +
      'CONFIG_PHYSICAL_START 16 MiB; vmemmap populated with 2 MiB pages (vmemmap_populate)',
  },
  i386: {
    ramWindowsBytes: [
      [4096, 0xa0000],
      [MiB, 3 * GiB],
      [4 * GiB, INF],
    ],
    extraLoadBytes: 0,
    kernelImageAtBytes: 16 * MiB,
    memMapAlignBytes: 4096,
    source: 'PC e820 map as x86_64; flat mem_map in lowmem (no vmemmap on i386)',
  },
  s390: {
    ramWindowsBytes: [[0, INF]],
    extraLoadBytes: 256 * MiB,
    kernelImageAtBytes: 0,
    memMapAlignBytes: MiB,
    source:
      'calibrated: seed 001 — both access modes say the 1.5 GiB guest vmcore held 256 MiB more than its RAM: ' +
      'mmap mode 482 − 34 (non-mmap baseline) = 448 windows of 4 MiB = 1.75 GiB, and non-mmap reads 458,917 − ' +
      '165 (mmap-mode reads) = 458,752 pages = 1.75 GiB. [U] that region is an extra PT_LOAD after RAM (the ' +
      'crashkernel area as the s390 kdump ELF header lists it). Kernel at 0 (lowcore + image); vmemmap with 1 MiB ' +
      'EDAT pages [U]',
  },
  ia64: {
    ramWindowsBytes: [[64 * MiB, INF]],
    extraLoadBytes: 0,
    kernelImageAtBytes: 64 * MiB,
    memMapAlignBytes: 16 * 1024,
    source: '[U] SGI sn2: RAM from 64 MiB of node 0, kernel at its start, virtual mem_map in region 7',
  },
  generic: {
    ramWindowsBytes: [[0, INF]],
    extraLoadBytes: 0,
    kernelImageAtBytes: 0,
    memMapAlignBytes: 4096,
    source: '[U] plugin arch: one RAM range from 0, kernel at its start',
  },
};

/** Image construction constants. */
export const IMAGE = sourced({
  kernelImageBytes: [32 * MiB, '[U] a distro kernel: text + data + bss + initial page tables ≈ 30 MB'],
  minKernelImagePages: [64, '[U] the smallest kernel data block the ELF writer needs (page tables, utsname)'],
  maxOrder: [10, 'MAX_ORDER − 1 = 10: buddy blocks of up to 1024 pages (include/linux/mmzone.h)'],
  maxRuns: [2 ** 25, 'representation budget: 33.5 M runs × 5 bytes ≈ 168 MB; coarser fragmentation beyond it'],
});

/** makedumpfile's constants, per version where they differ. */
export const MAKEDUMPFILE = sourced({
  mapRegionBytes: [4 * MiB, 'makedumpfile MAP_REGION = 4 MiB (kernel-mechanisms.md; observed 1.7.2)'],
  cacheEntries: [8, 'makedumpfile cache.c: 8 entries (kernel-mechanisms.md)'],
  memMapChunkStructs: [512, 'PGMM_CACHED = 512 struct pages per mem_map read (kernel-mechanisms.md)'],
  fixedReads: [
    25,
    'observed 1.7.2 (elf/makedumpfile-1.7.2-observed.md): 18 reads of ELF metadata, the first data page, 5 ' +
      'page-table/utsname reads before mmap is set up, the PT_NOTE when the header is written — read() in every mode',
  ],
  fixedReadsWithoutLseek: [3, 'observed 1.7.2: 3 note header/name pairs are read without an lseek between them'],
  translationPages: [
    2,
    'observed 1.7.2: filtering reads 2 table pages through the cache (PUD and PMD of vmemmap; the PGD entry is ' +
      'known from the first walk) before the mem_map',
  ],
  translationTableOffsetPages: [
    6,
    'kernel data block layout shared with the ELF writer (elf/kernel-layout.ts): PUD-vmemmap and PMD-vmemmap are ' +
      'its pages 6 and 7',
  ],
  filterProbeMaps17: [
    1,
    'observed 1.7.2: at -d ≥ 2 one mapping of the first PT_LOAD is made before filtering, outside the cache',
  ],
  memMapWalks17: [
    2,
    'observed 1.7.2: at -d ≥ 2 the mem_map is walked twice (a counting pass before the header, then the writing ' +
      'cycle), even with one cycle',
  ],
  processMmaps157: [34, 'calibrated: seed 001 non-mmap -d 0 mmap count 34 (library loading, malloc)'],
  processMunmaps157: [3, 'calibrated: seed 001 non-mmap -d 0 munmap count 3'],
  processReads157: [
    140,
    'calibrated: seed 001 mmap -d 0 read count 165, less the 25 fixed vmcore reads (other files: libraries, /proc)',
  ],
  processMmaps17: [34, '[U] as 1.5.7 (seed 001): the process outside the vmcore; the interop test counts per file'],
  processMunmaps17: [3, '[U] as 1.5.7 (seed 001)'],
  processReads17: [140, '[U] as 1.5.7 (seed 001)'],
  pageDescBytes: [24, 'kdump-compressed page_desc: offset 8 + size 4 + flags 4 + page_flags 8 bytes'],
  writeBufferBytes: [
    4096,
    '[U] write_cache flushes its buffer one page at a time (one write() per page of output, per stream)',
  ],
  kdumpHeaderWrites: [
    4,
    '[U] kdump-compressed: disk_dump_header, kdump_sub_header, VMCOREINFO and the ELF notes, one write each',
  ],
  elfSplitExcludedPages: [256, 'ELF output: a run of ≥ 256 excluded pages splits a PT_LOAD (kernel-mechanisms.md)'],
  elfHeaderWrites: [2, '[U] ELF output: the ELF header + program headers, then the notes'],
});

/** makedumpfile's user-space costs (cycles), beyond the arch's copy bandwidth. */
export const USER_COSTS = sourced({
  readmemCallCycles: [150, '[U] readmem: cache lookup (8 entries) + bounds checks per call'],
  translateCycles: [120, '[U] vaddr_to_paddr: 3 table-entry reads through the cache + arithmetic'],
  structPageCycles: [25, '[U] __exclude_unnecessary_pages: a few field loads and flag tests per struct page'],
  writePageCycles: [400, '[U] write_kdump_pages_cyclic per page: bitmap test, page_desc fill, buffer append'],
  zeroCheckCyclesPerByte: [0.125, '[U] is_zero_page: 8-byte loads, ~1 per cycle, through the whole page'],
  bitmapCyclesPerPage: [2, '[U] bitmap set/clear/test per page in a pass'],
});

/** The kernel side of /proc/vmcore, beyond the arch's costs. */
export const KERNEL_COSTS = sourced({
  readVmcoreCallCycles: [300, '[U] read_vmcore: find the PT_LOAD (vmcore_list walk), split at page boundaries'],
  mmapRegionCycles: [3000, '[U] mmap_region: vma allocation, rb-tree insert, security hooks'],
  munmapCallCycles: [2000, '[U] do_munmap: vma split/removal, free_pgtables'],
  vmNormalPageCycles: [8, '[U] vm_normal_page: pfn test per PTE in unmap_single_vma (VM_PFNMAP)'],
  lseekCycles: [100, '[U] sys_lseek on /proc/vmcore: default_llseek under the file lock'],
  writeNullCycles: [100, '[U] write_null: returns the count, nothing copied'],
  writeFileCyclesPerByte: [0.6, '[U] generic_perform_write: copy_from_user + page-cache insertion'],
  diskBytesPerSecond: [100e6, '[U] a 2015 SATA disk or virtio-blk target, 100 MB/s'],
  diskLatencySeconds: [0.0001, '[U] per 1 MiB request, merged writeback'],
});
