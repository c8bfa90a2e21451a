// struct page contents per planted page class, as a Linux 6.0 kernel leaves them and as makedumpfile's
// __exclude_unnecessary_pages tells them apart: buddy by page_type (_mapcount) with the order in `private`,
// page cache by PG_lru and a file mapping, private cache by PG_private, user data by the anon bit of mapping.
import type { ElfPageClass } from './source.js';
import {
  OFF_FLAGS,
  OFF_INDEX,
  OFF_MAPCOUNT,
  OFF_MAPPING,
  OFF_PRIVATE,
  OFF_REFCOUNT,
  PAGE_BUDDY_MAPCOUNT_VALUE,
  PAGE_MAPPING_ANON,
  PAGE_OFFSET,
  PG_lru,
  PG_private,
  PG_referenced,
  PG_reserved,
  PG_swapbacked,
  PG_uptodate,
  STRUCT_PAGE_SIZE,
} from './x86.js';

const bit = (n: number) => 1n << BigInt(n);
const FILE_LRU = bit(PG_lru) | bit(PG_uptodate) | bit(PG_referenced);
// Stand-in kernel objects the pointers name (an address_space, buffer_heads, an anon_vma) in the direct map.
const ADDRESS_SPACE = PAGE_OFFSET + 0x0100_0000n;
const BUFFER_HEADS = PAGE_OFFSET + 0x0200_0000n;
const ANON_VMA = PAGE_OFFSET + 0x0300_0000n;

/**
 * Writes the struct page of `pfn` into `view` at `off`. `buddyHead`/`order` matter for free pages only.
 * Holes (pfns outside RAM) get a reserved page, as memmap_init marks them.
 */
export function writeStructPage(
  view: DataView,
  off: number,
  pfn: number,
  cls: ElfPageClass | 'hole',
  buddyHead = false,
  order = 0,
): void {
  let flags = 0n;
  let mapping = 0n;
  let index = 0n;
  let priv = 0n;
  let mapcount = -1;
  let refcount = 1;
  switch (cls) {
    case 'kernel':
    case 'hole':
      flags = bit(PG_reserved);
      break;
    case 'zero':
      break; // an allocated kernel page that happens to hold zeros
    case 'cache':
      flags = FILE_LRU;
      mapping = ADDRESS_SPACE;
      index = BigInt(pfn);
      break;
    case 'private':
      flags = FILE_LRU | bit(PG_private);
      mapping = ADDRESS_SPACE;
      index = BigInt(pfn);
      priv = BUFFER_HEADS + BigInt(pfn) * 104n; // sizeof(struct buffer_head)
      break;
    case 'user':
      flags = bit(PG_lru) | bit(PG_uptodate) | bit(PG_swapbacked);
      mapping = ANON_VMA | PAGE_MAPPING_ANON;
      index = BigInt(pfn);
      mapcount = 0; // mapped once
      break;
    case 'free':
      refcount = 0;
      if (buddyHead) {
        mapcount = PAGE_BUDDY_MAPCOUNT_VALUE;
        priv = BigInt(order);
      }
      break;
  }
  view.setBigUint64(off + OFF_FLAGS, flags, true);
  view.setBigUint64(off + OFF_MAPPING, mapping, true);
  view.setBigUint64(off + OFF_INDEX, index, true);
  view.setBigUint64(off + OFF_PRIVATE, priv, true);
  view.setInt32(off + OFF_MAPCOUNT, mapcount, true);
  view.setInt32(off + OFF_REFCOUNT, refcount, true);
}

export { STRUCT_PAGE_SIZE };
