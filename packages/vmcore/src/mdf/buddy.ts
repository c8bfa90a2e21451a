// The buddy blocks of a free run as the allocator leaves them coalesced: from the run's start, the largest
// naturally aligned power-of-two block that fits, up to 2^maxOrder pages (MAX_ORDER − 1); the blocks of the largest
// order come as one piece (start, size, count). Bit arithmetic, no loop per page: a 16 TiB image has millions of
// free runs and each is visited once per mem_map walk.

/** Calls fn(start, size, count) for the blocks of [rs, re): `count` blocks of `size` pages from `start`. */
export function forEachBlockPiece(
  rs: number,
  re: number,
  maxOrder: number,
  fn: (start: number, size: number, count: number) => void,
): void {
  const top = 2 ** maxOrder;
  let p = rs;
  while (p < re) {
    const low = p % top; // exact for integers below 2^53
    let size = low === 0 ? top : low & -low;
    const left = re - p;
    if (size > left) size = 2 ** (31 - Math.clz32(Math.min(left, top)));
    if (size === top) {
      const count = Math.floor(left / top);
      fn(p, top, count);
      p += count * top;
    } else {
      fn(p, size, 1);
      p += size;
    }
  }
}
