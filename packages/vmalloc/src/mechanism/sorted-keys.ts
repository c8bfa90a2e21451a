// Binary search over ascending chunk keys, shared by the vmlist's per-chunk count structures (vmlist-owners.ts,
// vmlist-starts.ts).

/** The slot of `c` among ascending `keys`: its index, or where it would be put (the first key ≥ c). */
export function lowerBound(keys: ArrayLike<number>, c: number): number {
  let lo = 0;
  let hi = keys.length;
  while (lo < hi) {
    const m = (lo + hi) >> 1;
    if (keys[m] < c) lo = m + 1;
    else hi = m;
  }
  return lo;
}
