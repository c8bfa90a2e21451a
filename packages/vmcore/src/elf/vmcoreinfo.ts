// The VMCOREINFO note text: the keys makedumpfile 1.7.2 needs for -d 31 on a flat mem_map (observed here, see
// shared/reference/kernel-mechanisms.md) plus the 6.0 page-flag numbers. NUMBER(PG_hwpoison) only on request (a
// kernel with CONFIG_MEMORY_FAILURE): with it makedumpfile walks mem_map even at -d 0.
import type { KernelLayout } from './kernel-layout.js';
import {
  MAX_PHYSMEM_BITS,
  MEM_SECTION_SIZE,
  NR_SECTION_ROOTS,
  OFF_FLAGS,
  OFF_LRU,
  OFF_MAPCOUNT,
  OFF_MAPPING,
  OFF_PRIVATE,
  OFF_REFCOUNT,
  OSRELEASE,
  PAGE_BUDDY_MAPCOUNT_VALUE,
  PAGE_OFFLINE_MAPCOUNT_VALUE,
  PAGE_SIZE,
  PG_head,
  PG_hwpoison,
  PG_lru,
  PG_private,
  PG_slab,
  PG_swapbacked,
  PG_swapcache,
  SECTION_SIZE_BITS,
  STRUCT_PAGE_SIZE,
} from './x86.js';

const hex = (v: bigint) => v.toString(16);

/** The VMCOREINFO note's text for a kernel layout (`KEY=value` lines; NUMBER(PG_hwpoison) with `hwpoison`). */
export function vmcoreinfoText(l: KernelLayout, o: { hwpoison?: boolean } = {}): string {
  const lines = [
    `OSRELEASE=${OSRELEASE}`,
    `PAGESIZE=${PAGE_SIZE}`,
    `SYMBOL(init_uts_ns)=${hex(l.initUtsNs)}`,
    'OFFSET(uts_namespace.name)=0',
    // crash_core.c: SYMBOL(mem_map) with FLATMEM; with SPARSEMEM the mem_section root array (its pointer's value
    // since 4.15, VMCOREINFO_SYMBOL_ARRAY), its length, the struct size, section_mem_map and the section geometry.
    ...(l.memoryModel === 'sparse'
      ? [
          `SYMBOL(mem_section)=${hex(l.memSectionSymbol)}`,
          `LENGTH(mem_section)=${NR_SECTION_ROOTS}`,
          `SIZE(mem_section)=${MEM_SECTION_SIZE}`,
          'OFFSET(mem_section.section_mem_map)=0',
          `NUMBER(SECTION_SIZE_BITS)=${SECTION_SIZE_BITS}`,
          `NUMBER(MAX_PHYSMEM_BITS)=${MAX_PHYSMEM_BITS}`,
        ]
      : [`SYMBOL(mem_map)=${hex(l.memMapSymbol)}`]),
    `SIZE(page)=${STRUCT_PAGE_SIZE}`,
    `OFFSET(page.flags)=${OFF_FLAGS}`,
    `OFFSET(page._refcount)=${OFF_REFCOUNT}`,
    `OFFSET(page.mapping)=${OFF_MAPPING}`,
    `OFFSET(page.lru)=${OFF_LRU}`,
    `OFFSET(page._mapcount)=${OFF_MAPCOUNT}`,
    `OFFSET(page.private)=${OFF_PRIVATE}`,
    `NUMBER(PG_lru)=${PG_lru}`,
    `NUMBER(PG_private)=${PG_private}`,
    `NUMBER(PG_swapcache)=${PG_swapcache}`,
    `NUMBER(PG_swapbacked)=${PG_swapbacked}`,
    `NUMBER(PG_slab)=${PG_slab}`,
    `NUMBER(PG_head_mask)=${1 << PG_head}`,
    `NUMBER(PAGE_BUDDY_MAPCOUNT_VALUE)=${PAGE_BUDDY_MAPCOUNT_VALUE}`,
    `NUMBER(PAGE_OFFLINE_MAPCOUNT_VALUE)=${PAGE_OFFLINE_MAPCOUNT_VALUE}`,
    `SYMBOL(init_top_pgt)=${hex(l.initTopPgt)}`,
    'NUMBER(pgtable_l5_enabled)=0',
    'NUMBER(phys_base)=0',
  ];
  if (o.hwpoison) lines.push(`NUMBER(PG_hwpoison)=${PG_hwpoison}`);
  return `${lines.join('\n')}\n`;
}
