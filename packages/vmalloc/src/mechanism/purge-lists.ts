// A purge's working lists in typed arrays the Purger keeps from one purge to the next (only one purge runs at a
// time: it holds the purge lock until its helpers are flushed). 6.9 purges 400 k areas at a time at 64 CPUs; a
// JS array per node and per list, grown by push, cost more than the pool work itself.
import type { LazyBatch } from './lazy-queue.js';
import type { VmapNodes } from './nodes.js';
import { PageSorter } from './page-sort.js';

/** Area starts in the order they were pushed (areas going back to the global free tree). */
export class VpnList {
  a: Float64Array;
  n = 0;

  constructor(room = 64) {
    this.a = new Float64Array(room);
  }

  push(vpn: number): void {
    if (this.n === this.a.length) this.grow();
    this.a[this.n++] = vpn;
  }

  protected grow(): void {
    const a = new Float64Array(this.a.length * 2);
    a.set(this.a);
    this.a = a;
  }
}

/**
 * 6.9 __purge_vmap_area_lazy's purge list of each node: the batch's areas of that node (its home, else its
 * address's node) in queue order, copied out grouped by node (a counting sort over the batch) so that each
 * node's purge reads its areas in sequence: node n's are at `from[n]` … `from[n + 1] − 1` of `vpn`, `len`, `home`.
 */
export class NodeLists {
  vpn = new Float64Array(64);
  len = new Int32Array(64);
  home = new Int16Array(64);
  readonly from: Int32Array;
  private nodeOf = new Int32Array(64);
  private readonly at: Int32Array;

  constructor(readonly count: number) {
    this.from = new Int32Array(count + 1);
    this.at = new Int32Array(count);
  }

  /** Splits `b` by node. */
  split(b: LazyBatch, nodes: VmapNodes): void {
    const k = b.count;
    if (k > this.vpn.length) {
      const n = Math.max(k, 2 * this.vpn.length);
      this.vpn = new Float64Array(n);
      this.len = new Int32Array(n);
      this.home = new Int16Array(n);
      this.nodeOf = new Int32Array(n);
    }
    const { from, at, nodeOf, vpn, len, home } = this;
    from.fill(0);
    for (let i = 0; i < k; i++) {
      const n = b.home[i] >= 0 ? b.home[i] : nodes.of(b.vpn[i]);
      nodeOf[i] = n;
      from[n + 1]++;
    }
    for (let n = 0; n < this.count; n++) {
      from[n + 1] += from[n];
      at[n] = from[n];
    }
    for (let i = 0; i < k; i++) {
      const j = at[nodeOf[i]]++;
      vpn[j] = b.vpn[i];
      len[j] = b.len[i];
      home[j] = b.home[i];
    }
  }

  /** Areas on node n's list. */
  size(n: number): number {
    return this.from[n + 1] - this.from[n];
  }
}

/**
 * One node's decayed pool entries (decay_va_pool_node): their starts and ends, for the node's local merge before
 * reclaim_list_global (purge.ts reclaimDecayed).
 */
export class DecayedList {
  readonly vpn = new VpnList();
  /** Each entry's end (its start + pages). */
  readonly ends = new VpnList();
  private readonly scratch = new ExtentScratch();
  /** Adds an entry (the callback nodes.ts decayNode calls). */
  readonly push = (vpn: number, size: number): void => {
    this.vpn.push(vpn);
    this.ends.push(vpn + size);
  };

  clear(): void {
    this.vpn.n = 0;
    this.ends.n = 0;
  }

  /** The extents the entries make once address-adjacent ones merge (merge_or_add_vmap_area). */
  extents(): number {
    return extentsOf(this.vpn, this.ends, this.scratch);
  }
}

/** extentsOf's scratch, kept between calls: sorted copies of the starts and of the ends. */
export class ExtentScratch {
  /** The starts, sorted (the first k). */
  starts = new Float64Array(64);
  /** The ends, sorted (the first k). */
  ends = new Float64Array(64);
  /** The radix sort both go through. */
  readonly sorter = new PageSorter();
}

/**
 * The extents `k` areas (starts `vpn.a`, ends `ends.a`, k = vpn.n) make once address-adjacent ones merge: an area
 * whose end is another's start joins it (areas never overlap: each is busy or pooled once). Both lists sorted, one
 * merge walk counts the ends that are starts: a Set of 10^5 doubles (each boxed) cost 2 % of 6.9's test_vmalloc.
 */
export function extentsOf(vpn: VpnList, ends: VpnList, x: ExtentScratch): number {
  const k = vpn.n;
  if (k <= 1) return k;
  if (x.starts.length < k) {
    x.starts = new Float64Array(Math.max(k, 2 * x.starts.length));
    x.ends = new Float64Array(x.starts.length);
  }
  const s = x.starts;
  const e = x.ends;
  for (let i = 0; i < k; i++) {
    s[i] = vpn.a[i];
    e[i] = ends.a[i];
  }
  x.sorter.sort(s, k);
  x.sorter.sort(e, k);
  let n = k;
  let j = 0;
  for (let i = 0; i < k; i++) {
    const v = e[i];
    while (j < k && s[j] < v) j++;
    if (j === k) break;
    if (s[j] === v) n--;
  }
  return n;
}
