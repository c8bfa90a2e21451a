// Parameters of the vmcore model, each next to its source. Arch-dependent costs (syscall entry, copies, ioremap,
// PTE writes, TLB misses) come from the Machine's arch profile; here are the physical layouts, makedumpfile's own
// constants and its user-space costs. a calibrated marker (seed and figure) names the published figure a value was set from
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

/** Physical layouts by arch name (`generic`: the flat fallback for plugin arches), each with its source. */
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
      'PC e820 map: page 0 and 640 KiB..1 MiB reserved (BIOS, VGA), PCI hole 3..4 GiB (sources-vmcore.md §4: ' +
      'makedumpfile skips it as sections without a mem_map); kernel at ' +
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
    extraLoadBytes: 0,
    kernelImageAtBytes: 0,
    memMapAlignBytes: MiB,
    source:
      "s390 kdump: elfcorehdr_alloc lists the old system's memory chunks from 0 (loads_init); kernel at 0 (lowcore + " +
      'image); vmemmap with 1 MiB EDAT pages [U]',
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
  kernelImageBytes: [
    32 * MiB,
    '[U 16_777_216..67_108_864] a distro kernel: text + data + bss + initial page tables ≈ 30 MB',
  ],
  minKernelImagePages: [64, '[U 16..256] the smallest kernel data block the ELF writer needs (page tables, utsname)'],
  maxOrder: [10, 'MAX_ORDER − 1 = 10: buddy blocks of up to 1024 pages (include/linux/mmzone.h)'],
  maxRuns: [2 ** 25, 'representation budget: 33.5 M runs × 5 bytes ≈ 168 MB; coarser fragmentation beyond it'],
});

/** makedumpfile's constants beyond the call-by-call model (mdf/): the process's own calls and output writes. */
export const MAKEDUMPFILE = sourced({
  processMmaps: [
    34,
    'observed makedumpfile 1.7.2 (Debian 12) under strace: 34 mmaps outside /proc/vmcore — ld.so maps 7 libraries ' +
      '(lzo2, dw, elf, z, c, lzma, bz2) with 4 calls each, plus 6 anonymous (TLS, malloc)',
  ],
  processMunmaps: [
    2,
    'observed makedumpfile 1.7.2 (Debian 12): munmap of ld.so.cache and of one 132 KiB malloc buffer',
  ],
  processReads: [
    204,
    'observed makedumpfile 1.7.2 (Debian 12) on a kmemsim x86_64 vmcore: 7 library headers, /proc/meminfo, and 196 ' +
      'reads of the VMCOREINFO temp file (stdio re-reads it for each key looked up)',
  ],
  pageDescBytes: [24, 'kdump-compressed page_desc: offset 8 + size 4 + flags 4 + page_flags 8 bytes'],
  writeBufferBytes: [
    65536,
    'observed makedumpfile 1.7.2 (Debian 12) under strace -e write, kmemsim 256 MiB x86_64 vmcore: 64 KiB output ' +
      'buffers. -E writes page data 65,536 bytes a write; kdump-compressed writes its data buffer once it holds ' +
      '64 KiB less one page (15 × 4 KiB = 61,440 bytes), each time after the page_descs gathered since (360 bytes)',
  ],
  kdumpHeaderWrites: [
    3,
    'observed makedumpfile 1.7.2 (Debian 12): disk_dump_header (464 bytes), then 1,472 and 104 bytes (sub-header, ' +
      'notes and VMCOREINFO at 2 CPUs); then each bitmap one write per cycle (9 writes each at --cyclic-buffer 1)',
  ],
  elfSplitExcludedPages: [256, 'ELF output: a run of ≥ 256 excluded pages splits a PT_LOAD (kernel-mechanisms.md)'],
  elfHeaderWrites: [
    4,
    'observed makedumpfile 1.7.2 (Debian 12) -E: the program headers, the ELF header, the notes, and the program ' +
      'headers again after the page data',
  ],
});

/** makedumpfile's user-space costs (cycles), beyond the arch's copy bandwidth. */
export const USER_COSTS = sourced({
  readmemCallCycles: [150, '[U 50..500] readmem: cache lookup (8 entries) + bounds checks per call'],
  translateCycles: [120, '[U 40..400] vaddr_to_paddr: 3 table-entry reads through the cache + arithmetic'],
  structPageCycles: [25, '[U 10..80] __exclude_unnecessary_pages: a few field loads and flag tests per struct page'],
  writePageCycles: [400, '[U 150..1200] write_kdump_pages_cyclic per page: bitmap test, page_desc fill, buffer append'],
  zeroCheckCyclesPerByte: [0.125, '[U 0.0625..0.5] is_zero_page: 8-byte loads, ~1 per cycle, through the whole page'],
  bitmapCyclesPerPage: [2, '[U 1..8] bitmap set/clear/test per page in a pass'],
});

/** The kernel side of /proc/vmcore, beyond the arch's costs. */
export const KERNEL_COSTS = sourced({
  readVmcoreCallCycles: [
    300,
    '[U 100..1000] read_vmcore: find the PT_LOAD (vmcore_list walk), split at page boundaries',
  ],
  mmapRegionCycles: [3000, '[U 1500..10000] mmap_region: vma allocation, rb-tree insert, security hooks'],
  munmapCallCycles: [2000, '[U 1000..6000] do_munmap: vma split/removal, free_pgtables'],
  vmNormalPageCycles: [8, '[U 3..20] vm_normal_page: pfn test per PTE in unmap_single_vma (VM_PFNMAP)'],
  lseekCycles: [100, '[U 40..300] sys_lseek on /proc/vmcore: default_llseek under the file lock'],
  writeNullCycles: [100, '[U 40..300] write_null: returns the count, nothing copied'],
  writeFileCyclesPerByte: [0.6, '[U 0.3..1.5] generic_perform_write: copy_from_user + page-cache insertion'],
  diskBytesPerSecond: [100e6, '[U 50e6..200e6] a 2015 SATA disk or virtio-blk target, 100 MB/s'],
  diskLatencySeconds: [0.0001, '[U 0.00005..0.0005] per 1 MiB request, merged writeback'],
});

/** makedumpfile's user-space costs without their sources (a run may override some: sensitivity.ts). */
export type UserCosts = Omit<typeof USER_COSTS, 'sources'>;
/** The kernel-side costs without their sources. */
export type KernelCosts = Omit<typeof KERNEL_COSTS, 'sources'>;
