// radix_tree_lookup_slot as the checkpoint's write path runs it (2.6.29 lib/radix-tree.c): two walks per dumped
// page, counted level by level, each level a dependent load whose latency comes from the host's caches.
//   1. find_get_page (grab_cache_page_write_begin) in the dumped file's page-cache tree, at the page's index: the file
//      is appended, so the tree holds indexes 0..i−1 when page i is looked up (and is absent: the insert follows).
//   2. __find_get_block_slow → find_get_page in the block device's tree (unmap_underlying_metadata of the new data
//      block from __block_prepare_write): that tree caches the metadata blocks only, so the walk for a data block
//      stops at the first missing node.
// radix_tree_lookup_element (2.6.29): load root->rnode; NULL → return; node->height; index > maxindex(height) →
// return; then per level: slot = node->slots[(index >> shift) & RADIX_TREE_MAP_MASK], node = *slot, NULL → return.
import { sourced } from '@kmemsim/mmu';

/** The walk's constants and costs (cycles): sourced, or [U lo..hi] with its reasoning. */
export const RADIX = sourced({
  radixMapShift: [6, 'RADIX_TREE_MAP_SHIFT (2.6.29 lib/radix-tree.c, CONFIG_BASE_SMALL=0): 64 slots per node'],
  radixCallCycles: [
    20,
    '[U 10..40] radix_tree_lookup_slot → radix_tree_lookup_element besides the levels: call and return, ' +
      'rcu_dereference(root->rnode) (the address_space line, warm), radix_tree_is_indirect_ptr, the ' +
      'height_to_maxindex[] compare',
  ],
  radixLevelAluCycles: [
    3,
    '[U 2..5] per level, in the chain of dependent loads: (index >> shift) & RADIX_TREE_MAP_MASK, the slot ' +
      'address, the NULL test',
  ],
  radixWarmLoadCycles: [
    8,
    '[U 3..14] a node line the previous page’s walk touched: an L1D hit or an L2 hit; the Core 2 load-to-use ' +
      'latencies (~3 L1D, ~14 L2) are recalled, not read from a source in the project’s reference (which gives ' +
      'no Core 2 latencies), hence the range; its reuse distance is one page’s ' +
      'footprint — the 12 KiB the two copies stream, the write path’s lines and the host exit handlers’ — about ' +
      'the 32 KiB L1D',
  ],
  radixColdLoadCycles: [
    150,
    '[U 14..250] a slot line no walk touched since the node was allocated: DRAM behind a Core 2 front-side ' +
      'bus, ~60–100 ns (150–250 cycles at 2.4 GHz), down to an L2 hit (14) when the L2 streamer fetched it',
  ],
  bdevTreeHeight: [
    4,
    '[U 3..4] height of the block device’s page-cache tree = levels for its highest cached block: 3 while ' +
      'every cached metadata block lies below 2^18 4-KiB blocks (1 GiB), 4 up to 64 GiB — a 2009 guest disk ' +
      'holding the OS and the 800 MB dump is several GiB, with the file’s indirect blocks where it has room',
  ],
  bdevLeafShare: [
    63 / 1024,
    'share of data blocks whose 64-block leaf exists in the device tree: ext3_alloc_branch places each ' +
      'indirect block just before the 1,024 data blocks it maps (2.6.29 fs/ext3/inode.c), so over the unknown ' +
      'alignment ~63 of 1,024 data blocks share a 64-block window with an indirect block (the one before or ' +
      'the next); the 4,096-block node always holds some',
  ],
});

/**
 * Slots per cache line: the arch's line over its pointer size (i386 on Core 2: 64-byte lines, Intel optimization
 * manual, / 4-byte pointers = 16): a walk of consecutive indexes changes line every that many slots.
 */
export function slotsPerLine(arch: { cacheLineBytes: number; wordBits: number }): number {
  return Math.max(1, arch.cacheLineBytes / (arch.wordBits / 8));
}

/** The walk's parameters by name. */
export type RadixParams = { [K in keyof Omit<typeof RADIX, 'sources'>]: number };

/** Multiples of m in [a, b] (integers, a ≥ 1). */
function multiples(m: number, a: number, b: number): number {
  return b < a ? 0 : Math.floor(b / m) - Math.floor((a - 1) / m);
}

/** Loads of one tree's walks over a run of lookups: calls with a node, slot reads, and reads of a new line. */
export interface WalkCounts {
  /** Calls that found a top node (and loaded node->height). */
  withNode: number;
  /** Slot reads (one per level descended). */
  reads: number;
  /** Slot reads of a line no earlier walk touched (the first of each 16 slots). */
  coldReads: number;
}

/**
 * The file tree's walks for indexes start..start+n−1 of a file appended in order (the tree holds 0..i−1 at lookup
 * i). Height h while 64^(h−1) < i ≤ 64^h; i = 64^h is beyond maxindex (no level read); below the top node the
 * level-L node exists iff 64^L does not divide i; a slot line is new iff 16 · 64^(L−1) divides i.
 */
export function fileTreeWalks(start: number, n: number, r: Pick<RadixParams, 'radixMapShift'>, perLine = 16) {
  const fan = 2 ** r.radixMapShift;
  const out: WalkCounts = { withNode: 0, reads: 0, coldReads: 0 };
  let lo = Math.max(1, start); // index 0: empty tree, root->rnode NULL
  const end = start + n - 1;
  for (let h = 1; lo <= end; h++) {
    const top = fan ** h;
    if (top < lo) continue;
    const hi = Math.min(end, top);
    const last = hi === top ? hi - 1 : hi; // i = 64^h: index > maxindex, return before the walk
    const count = last - lo + 1;
    out.withNode += hi - lo + 1; // node->height is loaded before the maxindex test
    if (count > 0) {
      out.reads += count; // the top node's slot
      out.coldReads += multiples(perLine * fan ** (h - 1), lo, last);
      for (let L = 1; L < h; L++) {
        const below = count - multiples(fan ** L, lo, last); // the level-L node exists
        out.reads += below;
        out.coldReads += multiples(perLine * fan ** (L - 1), lo, last) - multiples(fan ** L, lo, last);
      }
    }
    lo = hi + 1;
  }
  return out;
}

/**
 * The device tree's walk for one data block, as an expectation over the unknown block numbers: the top node and
 * every level down to the 4,096-block node exist (the file's indirect blocks are every 1,025 blocks), the 64-block
 * leaf only for `bdevLeafShare` of the blocks; an upper-level slot line changes every 16 · 64^(L−1) blocks.
 */
export function bdevTreeWalk(r: RadixParams, perLine = 16): WalkCounts {
  const fan = 2 ** r.radixMapShift;
  let coldReads = 0;
  for (let L = 2; L <= r.bdevTreeHeight; L++) coldReads += 1 / (perLine * fan ** (L - 1));
  return { withNode: 1, reads: r.bdevTreeHeight - 1 + r.bdevLeafShare, coldReads };
}

/**
 * Cycles of radix_tree_lookup_slot for a run of n dumped pages at file indexes start..start+n−1 (both walks), with
 * `perLine` slots per cache line ({@link slotsPerLine}).
 */
export function radixLookupCycles(start: number, n: number, r: RadixParams, perLine = 16): number {
  const f = fileTreeWalks(start, n, r, perLine);
  const b = bdevTreeWalk(r, perLine);
  const cost = (w: WalkCounts) =>
    w.withNode * r.radixWarmLoadCycles +
    w.reads * (r.radixLevelAluCycles + r.radixWarmLoadCycles) +
    w.coldReads * (r.radixColdLoadCycles - r.radixWarmLoadCycles);
  return Math.round(2 * n * r.radixCallCycles + cost(f) + n * cost(b));
}
