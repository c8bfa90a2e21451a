// The vmlist walks a sampled run made, per loop kind, for the bound of their arrangement-dependent part
// (arrangement-bound.ts). The mirror designs (2.6.28–2.6.39) keep every vm_struct on the address-sorted vmlist:
// insert_vmalloc_vm and remove_vm_area walk it from its head under vmlist_lock (mechanism/vmlist.ts), so with many
// workers a loop's cycles are mostly the walks it waits through, and how far a walk goes past other workers' areas
// depends on how far apart the workers entered the phase (issue 13).
import type { Loop } from './sampler-loop.js';

/**
 * One loop kind's detailed iterations: their cycles, the walk cycles anyone made meanwhile (`global`), those made by
 * threads of the same kind (`same`), the kind's own walk cycles and their arrangement-dependent part (`arr`).
 */
export interface KindWalks {
  cycles: number;
  global: number;
  same: number;
  own: number;
  arr: number;
}

/**
 * Tallies the mirror's walks (VmlistMirror.tally) per CPU and, at each detailed loop boundary (Sampler.next), per
 * loop kind. A walk's arrangement-dependent part: its distance from the nearest place the workers' positions cannot
 * move — the bottom (boot areas, the run's arrays, and the in-step rank, half the other workers' one area each) or
 * the top of the list (a new area above every live one: a set-up's, long_busy's 100-page area; there the walk is
 * every area, whoever owns it). A tear-down's free of its oldest area walks past the other workers' areas placed
 * below it: as many as their set-up lags exceed their tear-down lags (vm-39's trace, s17).
 */
export class WalkTally {
  /** Per CPU: cycles of its walks, and of their arrangement-dependent part. */
  private readonly walk: Float64Array;
  private readonly arr: Float64Array;
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
   * @param base - areas below any walk whatever the arrangement: boot areas, the run's arrays, half the workers
   */
  constructor(
    cpus: number,
    private readonly base: number,
  ) {
    this.walk = new Float64Array(cpus);
    this.arr = new Float64Array(cpus);
    this.mark = new Float64Array(cpus * 4);
  }

  /** A walk past `rank` areas of a list of `size`, costing `cycles` (mechanism/vmlist.ts `charge`). */
  add(cpu: number, rank: number, size: number, cycles: number): void {
    this.walk[cpu] += cycles;
    this.total += cycles;
    const far = Math.min(rank - this.base, size - rank);
    if (far > 0) this.arr[cpu] += (cycles * far) / (rank + 1);
  }

  /** A detailed iteration of `l` ended (Sampler.next, before its clock mark moves): credit it to its kind. */
  note(l: Loop): void {
    const cpu = l.t.cpu;
    const m = cpu * 4;
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
        k = { cycles: 0, global: 0, same: 0, own: 0, arr: 0 };
        e.k = k;
        this.kinds.set(l.tag, k);
      }
      k.cycles += l.t.clock - l.lastClock;
      k.global += this.total - this.mark[m + 1];
      k.own += this.walk[cpu] - this.mark[m];
      k.arr += this.arr[cpu] - this.mark[m + 2];
      // The same kind's walks since this thread's last boundary (the kind's tally then).
      k.same += e.walked - this.mark[m + 3];
    }
    this.tags[cpu] = l.tag;
    this.mark[m] = this.walk[cpu];
    this.mark[m + 1] = this.total;
    this.mark[m + 2] = this.arr[cpu];
    this.mark[m + 3] = e.walked;
  }
}
