// The vmlist walks a sampled run made, per loop kind, for the bound of their arrangement-dependent part
// (arrangement-bound.ts). 2.6.27–2.6.39 keep every vm_struct on the address-sorted vmlist and walk it from its head
// under vmlist_lock: 2.6.27's __get_vm_area_node (first fit) and remove_vm_area (mechanism/vmlist-legacy.ts), the
// mirror designs' insert_vmalloc_vm and remove_vm_area (mechanism/vmlist.ts). So with many workers a loop's cycles
// are mostly the walks it waits through, and how far a walk goes past other workers' areas depends on how far apart
// the workers entered the phase (issue 13).
import type { Loop } from './sampler-loop.js';

/** Per CPU at its last loop boundary: own walks, everyone's, arrangement, the kind's, top walks, hole headroom. */
const MARKS = 6;

/**
 * One loop kind's detailed iterations: their cycles, the walk cycles anyone made meanwhile (`global`), those made by
 * threads of the same kind (`same`), the kind's own walk cycles and how far they lie from the in-step walks' (`arr`,
 * signed); of its own walks, those that reached the top of the list (`top`), and for the others, which stopped at an
 * area below the top, how much longer or shorter they could have been with that area anywhere in the list (`hole`).
 */
export interface KindWalks {
  cycles: number;
  global: number;
  same: number;
  own: number;
  arr: number;
  top: number;
  hole: number;
}

/**
 * Tallies the vmlist walks (VmapCore.watchVmlist) per CPU and, at each detailed loop boundary (Sampler.next), per
 * loop kind. A walk's arrangement-dependent part is how far its rank lies from the rank the workers in step would
 * give it: the boot areas (`base`, below every walk) and, per worker, as many areas below the position as the
 * walker has of its own (arrays, set-up areas, kept areas), plus half the others' one in flight (a FIFO lock's
 * round). That difference is the other workers' lags frozen into the layout: a tear-down's free of its oldest area
 * walks past the areas of the workers whose tear-down lags behind its own (vm-39's trace, s17); a set-up's insert
 * above every live area passes the others' areas ahead of and behind it alike. Signed: a kind's sum is what its
 * walks' cycles move by, and the workers ahead and behind cancel where only the total is fixed by the layout.
 */
export class WalkTally {
  /** Per CPU: cycles of its walks, and their distance from the in-step walks (signed). */
  private readonly walk: Float64Array;
  private readonly arr: Float64Array;
  /** Per CPU: cycles of its walks to the top of the list, and the headroom of those below it (see KindWalks). */
  private readonly top: Float64Array;
  private readonly hole: Float64Array;
  /** Walk cycles of every CPU. */
  private total = 0;
  /** Per CPU: the tallies at its thread's last loop boundary, and that loop's kind. */
  private readonly mark: Float64Array;
  private readonly tags: string[] = [];
  /** Per kind: walk cycles of its threads, credited at their boundaries, and its tallies (null: none yet). */
  private readonly byKind = new Map<string, { walked: number; k: KindWalks | null }>();
  /** Per kind: its detailed iterations' tallies. */
  readonly kinds = new Map<string, KindWalks>();

  /**
   * @param cpus - the machine's CPUs
   * @param base - areas below any walk whatever the arrangement: the boot areas
   * @param workers - the workers, one per CPU from 0
   */
  constructor(
    cpus: number,
    private readonly base: number,
    private readonly workers: number,
  ) {
    this.walk = new Float64Array(cpus);
    this.arr = new Float64Array(cpus);
    this.top = new Float64Array(cpus);
    this.hole = new Float64Array(cpus);
    this.mark = new Float64Array(cpus * MARKS);
  }

  /**
   * A walk by `cpu` past `rank` of the list's `size` areas, `own` of them its own, costing `cycles`
   * (mechanism/vmlist.ts `charge`, vmlist-legacy.ts): its distance from the in-step rank, in cycles (negative:
   * shorter than in step); and whether it reached the top of the list, else how far the area it stopped at could lie from where it does, up
   * or down (from the boot areas to the top). The top: within two areas per worker (the others' areas in flight)
   * and a hundredth of the list (a main loop's own churn above the areas it keeps: long_busy's 100-page areas and
   * the holes its purges leave among them — at 64 × 100,000 its inserts stopped either within 1 % of the top or,
   * 31 % of them, at a mean rank of 5 k of 960 k sampled and 302 k exact).
   */
  add(cpu: number, rank: number, own: number, cycles: number, size: number): void {
    this.walk[cpu] += cycles;
    this.total += cycles;
    const d = rank - (this.base + this.workers * own + (this.workers - 1) / 2);
    this.arr[cpu] += (cycles * d) / (rank + 1);
    if (size - rank <= 2 * this.workers + size / 100) this.top[cpu] += cycles;
    else this.hole[cpu] += (cycles * Math.max(size - rank, rank - this.base)) / (rank + 1);
  }

  /** A detailed iteration of `l` ended (Sampler.next, before its clock mark moves): credit it to its kind. */
  note(l: Loop): void {
    const cpu = l.t.cpu;
    const m = cpu * MARKS;
    const prev = this.tags[cpu];
    let e = this.byKind.get(l.tag);
    if (e === undefined) {
      e = { walked: 0, k: null };
      this.byKind.set(l.tag, e);
    }
    if (prev !== undefined) e.walked += this.walk[cpu] - this.mark[m];
    // A thread's first iteration of a loop only sets its marks (the one before was another kind's).
    if (prev === l.tag) {
      let k = e.k;
      if (k === null) {
        k = { cycles: 0, global: 0, same: 0, own: 0, arr: 0, top: 0, hole: 0 };
        e.k = k;
        this.kinds.set(l.tag, k);
      }
      k.cycles += l.t.clock - l.lastClock;
      k.global += this.total - this.mark[m + 1];
      k.own += this.walk[cpu] - this.mark[m];
      k.arr += this.arr[cpu] - this.mark[m + 2];
      k.top += this.top[cpu] - this.mark[m + 4];
      k.hole += this.hole[cpu] - this.mark[m + 5];
      // The same kind's walks since this thread's last boundary (the kind's tally then).
      k.same += e.walked - this.mark[m + 3];
    }
    this.tags[cpu] = l.tag;
    this.mark[m] = this.walk[cpu];
    this.mark[m + 1] = this.total;
    this.mark[m + 2] = this.arr[cpu];
    this.mark[m + 3] = e.walked;
    this.mark[m + 4] = this.top[cpu];
    this.mark[m + 5] = this.hole[cpu];
  }
}
