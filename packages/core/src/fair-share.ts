// The fair scheduler's decisions on each CPU between its two tasks: the thread bound there (BOUND) and the CPU's
// kworker (WORKER: the pool's worker running queued items one after another). Both are SCHED_NORMAL nice 0, so
// vruntime advances 1:1 with the time each holds the CPU. Under PREEMPT_NONE, need_resched (set by the tick or by
// wakeup preemption) takes effect at the running task's next cond_resched. O(1) per decision, typed arrays per CPU;
// ticks are never events: the tick at which need_resched will be set is computed when a task starts waiting.
import type { SchedRecord, SchedTunables } from './sched-record.js';
import { schedTunables } from './sched-record.js';

/** The thread bound to a CPU, as a scheduling entity. */
export const BOUND = 0;
/** The CPU's kworker, as a scheduling entity. */
export const WORKER = 1;

/** Per-CPU fair sharing between the bound thread and the kworker (see the module comment). */
export class FairShare {
  /** The constants in cycles. */
  readonly tun: SchedTunables;
  /** Running entity per CPU: BOUND, WORKER or −1 (none). */
  readonly cur: Int8Array;
  /** When need_resched is (or will be) set on the running entity; +∞ while nothing waits. */
  readonly needAt: Float64Array;
  /** Cycles each entity held the CPU, [cpu × 2 + entity]. */
  readonly ran: Float64Array;
  private readonly eevdf: boolean;
  /** Runnable entities per CPU (bit 1 << entity), running or waiting. */
  private readonly onRq: Uint8Array;
  /** The running entity's accounting reaches this time (update_curr). */
  private readonly upd: Float64Array;
  /** When the running entity was picked (CFS prev_sum_exec_runtime). */
  private readonly pick: Float64Array;
  /** CFS cfs_rq->min_vruntime. */
  private readonly minVr: Float64Array;
  /** vruntime, EEVDF deadline and lag, [cpu × 2 + entity]. */
  private readonly v: Float64Array;
  private readonly d: Float64Array;
  private readonly lag: Float64Array;
  /** EEVDF RUN_TO_PARITY: the running entity still has the deadline it was picked with (set_protect_slice). */
  private readonly protect: Uint8Array;

  constructor(
    readonly rec: SchedRecord,
    cpus: number,
    clockHz: number,
  ) {
    this.tun = schedTunables(rec, cpus, clockHz);
    this.eevdf = rec.policy === 'eevdf';
    this.cur = new Int8Array(cpus).fill(-1);
    this.needAt = new Float64Array(cpus).fill(Number.POSITIVE_INFINITY);
    this.ran = new Float64Array(cpus * 2);
    this.onRq = new Uint8Array(cpus);
    this.upd = new Float64Array(cpus);
    this.pick = new Float64Array(cpus);
    this.minVr = new Float64Array(cpus);
    this.v = new Float64Array(cpus * 2);
    // A kworker that has not run for long: CFS places it at min_vruntime − the sleeper credit (place_entity).
    for (let c = 0; c < cpus; c++) this.v[c * 2 + WORKER] = Number.NEGATIVE_INFINITY;
    this.d = new Float64Array(cpus * 2);
    this.lag = new Float64Array(cpus * 2);
    this.protect = new Uint8Array(cpus);
  }

  /** `e` is runnable on `cpu` (running or waiting). */
  runnable(cpu: number, e: number): boolean {
    return (this.onRq[cpu] & (1 << e)) !== 0;
  }

  /** The running entity `e` has need_resched set by `now` and the other waits: its cond_resched switches. */
  due(cpu: number, e: number, now: number): boolean {
    return this.cur[cpu] === e && this.needAt[cpu] <= now;
  }

  /** `e` starts running on `cpu` at `at`, nothing running there (a wake onto an idle CPU, or the other left). */
  run(cpu: number, e: number, at: number): void {
    const i = cpu * 2 + e;
    if (!this.runnable(cpu, e)) {
      // Enqueued alone: CFS place_entity (6.1 fair.c:4649) gives a sleeper at most the credit below min_vruntime;
      // EEVDF place_entity (6.12 fair.c:5294) applies lag only with others queued, and sets a fresh deadline.
      if (this.eevdf) this.d[i] = this.v[i] + this.tun.slice;
      else this.v[i] = Math.max(this.v[i], this.minVr[cpu] - this.tun.sleeperCredit);
      this.onRq[cpu] |= 1 << e;
    }
    this.pickAt(cpu, e, at);
  }

  /**
   * `e` wakes at `at` while the other runs: placement, then wakeup preemption (CFS check_preempt_wakeup, EEVDF
   * check_preempt_wakeup_fair) sets need_resched at once, or the tick does later.
   */
  enqueue(cpu: number, e: number, at: number): void {
    const c = this.cur[cpu];
    const ci = cpu * 2 + c;
    const wi = cpu * 2 + e;
    const t = Math.max(at, this.upd[cpu]);
    this.account(cpu, t);
    this.onRq[cpu] |= 1 << e;
    if (this.eevdf) {
      // place_entity with lag (PLACE_LAG): V is the running one's vruntime; the lag is inflated by (W + w) / W = 2.
      this.v[wi] = this.v[ci] - 2 * this.lag[wi];
      this.d[wi] = this.v[wi] + this.tun.slice;
      // check_preempt_wakeup_fair's update_curr: a running entity past its deadline gets a new one and resched.
      if (this.v[ci] >= this.d[ci]) {
        this.d[ci] = this.v[ci] + this.tun.slice;
        this.protect[cpu] = 0;
        this.needAt[cpu] = t;
        return;
      }
      if (this.pickEevdf(cpu) === e) {
        this.needAt[cpu] = t;
        return;
      }
    } else {
      this.v[wi] = Math.max(this.v[wi], this.minVr[cpu] - this.tun.sleeperCredit);
      // wakeup_preempt_entity (6.1 fair.c:7618): preempt if curr is ahead by more than wakeup_gran.
      if (this.v[ci] - this.v[wi] > this.tun.wakeGran) {
        this.needAt[cpu] = t;
        return;
      }
    }
    this.needAt[cpu] = this.tickNeed(cpu, t);
  }

  /** The running entity `e` sleeps or ends at `at`: EEVDF keeps its lag (update_entity_lag) for its next wake. */
  dequeue(cpu: number, e: number, at: number): void {
    this.account(cpu, Math.max(at, this.upd[cpu]));
    const o = 1 - e;
    if (this.eevdf) {
      // entity_lag: V − v clamped to ± max(2 × slice, TICK_NSEC); V is the mean of the queued (equal weights).
      const lag = this.runnable(cpu, o) ? (this.v[cpu * 2 + o] - this.v[cpu * 2 + e]) / 2 : 0;
      const lim = this.tun.lagLimit;
      this.lag[cpu * 2 + e] = Math.min(Math.max(lag, -lim), lim);
    }
    this.onRq[cpu] &= ~(1 << e);
    this.cur[cpu] = -1;
    this.needAt[cpu] = Number.POSITIVE_INFINITY;
  }

  /** A new thread is bound to `cpu` (spawn): a fresh entity at the queue's current vruntime, no lag. */
  fresh(cpu: number, e: number): void {
    const o = cpu * 2 + 1 - e;
    const base = this.eevdf ? this.v[o] : this.minVr[cpu];
    this.v[cpu * 2 + e] = Number.isFinite(base) ? base : 0;
    this.lag[cpu * 2 + e] = 0;
    this.onRq[cpu] &= ~(1 << e);
  }

  /**
   * The running entity's cond_resched at `now` with need_resched set: __schedule picks (CFS pick_next_entity: the
   * smaller vruntime; EEVDF pick_eevdf). True: the other entity now runs.
   */
  switchAt(cpu: number, now: number): boolean {
    const c = this.cur[cpu];
    const o = 1 - c;
    this.account(cpu, Math.max(now, this.upd[cpu]));
    const keep = this.eevdf
      ? this.pickEevdf(cpu) === c
      : this.v[cpu * 2 + c] < this.v[cpu * 2 + o] && this.runnable(cpu, c);
    this.pickAt(cpu, keep ? c : o, now);
    return !keep;
  }

  /** `e` is picked at `at`: a new slice (CFS prev_sum_exec_runtime, EEVDF set_protect_slice). */
  private pickAt(cpu: number, e: number, at: number): void {
    this.cur[cpu] = e;
    this.pick[cpu] = at;
    this.upd[cpu] = at;
    this.protect[cpu] = 1;
    if (!this.eevdf) this.bumpMin(cpu);
    this.needAt[cpu] = this.runnable(cpu, 1 - e) ? this.tickNeed(cpu, at) : Number.POSITIVE_INFINITY;
  }

  /**
   * The tick at which need_resched is set on the running entity, the other waiting since `at` (≥ upd). CFS
   * check_preempt_tick (6.1 fair.c:4910): delta_exec > ideal_runtime, or ≥ min_granularity with a vruntime lead
   * > ideal_runtime. EEVDF update_curr → update_deadline (6.12 fair.c:1022, 1230): the first tick at which
   * vruntime ≥ deadline, with others queued.
   */
  private tickNeed(cpu: number, at: number): number {
    const tun = this.tun;
    const c = this.cur[cpu];
    const ci = cpu * 2 + c;
    const upd = this.upd[cpu];
    if (this.eevdf) {
      const reach = upd + (this.d[ci] - this.v[ci]);
      return tickAtOrAfter(Math.max(reach, at), tun.tick);
    }
    const pick = this.pick[cpu];
    const lead = this.v[ci] - this.v[cpu * 2 + 1 - c];
    const x = Math.min(pick + tun.slice, Math.max(pick + tun.minGran, upd + tun.slice - lead));
    return Math.max(tickAtOrAfter(at, tun.tick), tickAfter(x, tun.tick));
  }

  /** pick_eevdf (6.12 fair.c:926) between the two: eligible (v ≤ V) first, RUN_TO_PARITY, earliest deadline. */
  private pickEevdf(cpu: number): number {
    const c = this.cur[cpu];
    const o = 1 - c;
    if (!this.runnable(cpu, o)) return c;
    const vc = this.v[cpu * 2 + c];
    const vo = this.v[cpu * 2 + o];
    // V = (vc + vo) / 2: an entity is eligible when its vruntime is at most the other's.
    const cEligible = vc <= vo;
    if (cEligible && this.protect[cpu] === 1) return c;
    if (vo > vc) return c;
    if (cEligible && this.d[cpu * 2 + c] < this.d[cpu * 2 + o]) return c;
    return o;
  }

  /** update_curr up to `now`: runtime, vruntime; EEVDF renews the deadline at each tick past it (update_deadline). */
  private account(cpu: number, now: number): void {
    const c = this.cur[cpu];
    if (c < 0) {
      this.upd[cpu] = now;
      return;
    }
    const ci = cpu * 2 + c;
    const upd = this.upd[cpu];
    const dt = now - upd;
    if (dt <= 0) return;
    if (this.eevdf) {
      const tick = this.tun.tick;
      const reach = upd + (this.d[ci] - this.v[ci]);
      const t1 = tickAtOrAfter(Math.max(reach, upd), tick);
      if (t1 <= now) {
        // Renewals at t1, t1 + step, …: each new deadline is a slice past the vruntime at that tick.
        const step = Math.ceil(this.tun.slice / tick) * tick;
        const last = t1 + Math.floor((now - t1) / step) * step;
        this.d[ci] = this.v[ci] + (last - upd) + this.tun.slice;
        this.protect[cpu] = 0;
      }
    }
    this.v[ci] += dt;
    this.ran[ci] += dt;
    this.upd[cpu] = now;
    if (!this.eevdf) this.bumpMin(cpu);
  }

  /** CFS update_min_vruntime: min_vruntime follows the smallest queued vruntime, never backwards. */
  private bumpMin(cpu: number): void {
    const c = this.cur[cpu];
    let m = Number.POSITIVE_INFINITY;
    if (c >= 0) m = this.v[cpu * 2 + c];
    const o = 1 - c;
    if (c >= 0 && this.runnable(cpu, o)) m = Math.min(m, this.v[cpu * 2 + o]);
    if (Number.isFinite(m) && m > this.minVr[cpu]) this.minVr[cpu] = m;
  }
}

/** The first tick at or after `x`. */
function tickAtOrAfter(x: number, tick: number): number {
  return Math.ceil(x / tick) * tick;
}

/** The first tick strictly after `x`. */
function tickAfter(x: number, tick: number): number {
  return (Math.floor(x / tick) + 1) * tick;
}
