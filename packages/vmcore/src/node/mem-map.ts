// Where a vmcore's struct pages are, found the way makedumpfile's get_mem_map does: FLATMEM — the `mem_map`
// pointer (SYMBOL(mem_map)); SPARSEMEM_EXTREME — the mem_section root array (SYMBOL(mem_section), the pointer's
// value since 4.15), each section's struct mem_section and its encoded section_mem_map (sparse_decode_mem_map:
// coded + section_nr_to_pfn(nr) × SIZE(page)). Also the reads makedumpfile 1.7.2 makes for it (observed under
// strace: 8 bytes per root that the sections below max_mapnr need, then SIZE(mem_section) per section of a
// non-NULL root), which the model replays through its cache.
import type { KernelView } from '../mdf/types.js';
import type { Walker } from './vmcore-file.js';
import { VmcoreFileError } from './vmcore-file.js';
import type { Vmcoreinfo } from './vmcoreinfo-parse.js';

const PAGE = 4096;
/** The flag bits below the encoded mem_map (SECTION_MARKED_PRESENT … up to SECTION_MAP_LAST_BIT = 1 << 6). */
const SECTION_FLAGS = 0x3fn;
/** x86_64 SECTION_SIZE_BITS (arch/x86/include/asm/sparsemem.h) when VMCOREINFO does not say. */
const X86_SECTION_SIZE_BITS = 27;
/** More sections than this (a 128 PiB map) is not a plausible vmcore: refused rather than looped over. */
const MAX_SECTIONS = 2 ** 24;

export interface MemMapLayout {
  model: 'flat' | 'sparse';
  regions: KernelView['memMap'];
  /** get_mem_map's readmem(VADDR) calls, in order: [vaddr, bytes]. */
  reads: [bigint, number][];
  sections: number;
}

export function findMemMap(w: Walker, vi: Vmcoreinfo, maxMapnr: number, path: string): MemMapLayout {
  if (vi.has('SYMBOL(mem_section)')) return sparse(w, vi, maxMapnr, path);
  if (!vi.has('SYMBOL(mem_map)'))
    throw new VmcoreFileError(`${path}: VMCOREINFO has neither SYMBOL(mem_map) nor SYMBOL(mem_section)`);
  const vaddr = w.readU64(vi.symbol('mem_map'), 'the mem_map pointer');
  return {
    model: 'flat',
    regions: [{ startPfn: 0, endPfn: maxMapnr, vaddr }],
    reads: [[vi.symbol('mem_map'), 8]],
    sections: 0,
  };
}

function sparse(w: Walker, vi: Vmcoreinfo, maxMapnr: number, path: string): MemMapLayout {
  const sz = vi.size('page');
  const msSize = vi.size('mem_section');
  const offMap = vi.offset('mem_section.section_mem_map');
  const bits = vi.has('NUMBER(SECTION_SIZE_BITS)') ? vi.number('SECTION_SIZE_BITS') : X86_SECTION_SIZE_BITS;
  if (msSize < 8 || msSize > PAGE || PAGE % msSize !== 0 || offMap + 8 > msSize)
    throw new VmcoreFileError(`${path}: SIZE(mem_section)=${msSize} with OFFSET(section_mem_map)=${offMap}`);
  if (bits < 15 || bits > 40) throw new VmcoreFileError(`${path}: NUMBER(SECTION_SIZE_BITS)=${bits} (15..40)`);
  const pps = 2 ** (bits - 12);
  const perRoot = PAGE / msSize;
  const sections = Math.ceil(maxMapnr / pps);
  if (sections > MAX_SECTIONS)
    throw new VmcoreFileError(`${path}: ${sections} memory sections (at most ${MAX_SECTIONS})`);
  const roots = Math.ceil(sections / perRoot);
  if (vi.has('LENGTH(mem_section)') && roots > vi.length('mem_section'))
    throw new VmcoreFileError(`${path}: PT_LOADs reach section ${sections - 1}, beyond LENGTH(mem_section) roots`);
  const base = vi.symbol('mem_section');
  const rootBytes = w.bytes(base, 8 * roots, 'the mem_section root array');
  const reads: [bigint, number][] = [[base, 8 * roots]];
  const regions: KernelView['memMap'] = [];
  for (let s = 0; s < sections; s++) {
    const root = rootBytes.readBigUInt64LE(8 * Math.floor(s / perRoot));
    if (root === 0n) continue; // a NULL root: NOT_KV_ADDR, no read
    const at = root + BigInt((s % perRoot) * msSize);
    reads.push([at, msSize]);
    const coded = w.bytes(at, msSize, `struct mem_section ${s}`).readBigUInt64LE(offMap);
    const map = coded & ~SECTION_FLAGS;
    if (map === 0n) continue; // no mem_map: the section is skipped whole
    const startPfn = s * pps;
    const vaddr = map + BigInt(startPfn) * BigInt(sz);
    regions.push({ startPfn, endPfn: Math.min(startPfn + pps, maxMapnr), vaddr: BigInt.asUintN(64, vaddr) });
  }
  if (regions.length === 0) throw new VmcoreFileError(`${path}: no memory section has a mem_map`);
  return { model: 'sparse', regions, reads, sections };
}
