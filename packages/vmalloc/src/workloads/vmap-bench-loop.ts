// One vmap-bench thread as a hand-written iterator instead of a generator function: the engine's `next()` lands
// in a plain method that drives the area flows (mechanism/area-flow.ts), so the 1,024-CPU run's millions of lock
// waits resume no generator at all. Each loop, in order: map (vmap: the flow; vm_map_ram: its generator), touch
// each page, unmap, the sampler's count, one cond_resched point. runVmapBench (vmap-bench.ts) spawns one per CPU.
import type { Op, SymbolId, Thread } from '@kmemsim/core';
import type { Machine } from '@kmemsim/mmu';
import { AreaFlow, DELEGATE, DONE, type Step } from '../mechanism/area-flow.js';
import type { VmapCore } from '../mechanism/vmap.js';
import type { Gen } from '../types.js';
import { OpIterator } from './op-iterator.js';
import type { Sampler } from './sampler.js';
import type { Loop } from './sampler-loop.js';

/** What every thread of one vmap-bench run shares. */
export interface BenchLoopSpec {
  readonly m: Machine;
  readonly v: VmapCore;
  readonly sampler: Sampler;
  /** vm_map_ram / vm_unmap_ram instead of vmap / vunmap. */
  readonly ram: boolean;
  /** Pages per map. */
  readonly pages: number;
  /** Loops per thread. */
  readonly iterations: number;
  /** The loop's own symbol (vmap_bench_loop). */
  readonly touchSym: SymbolId;
  /** Its cycles per loop: the stores to the mapped pages. */
  readonly touchCycles: number;
  /** The design's name, for the error when no space is found. */
  readonly design: string;
}

// Where the loop is: not started, in the map, in the unmap, at the cond_resched yield, finished.
const START = 0;
const MAP = 1;
const UNMAP = 2;
const RESCHED = 3;
const END = 4;

type Result = IteratorResult<Op | undefined, void>;
const FINISHED: Result = { done: true, value: undefined };

/** One vmap-bench thread's loop: the generator of its ThreadBody, written out as an iterator. */
export class BenchLoop extends OpIterator<void> {
  private readonly f: AreaFlow;
  private readonly pfn0: number;
  private l: Loop | null = null;
  private st = START;
  private pfn = 0;
  /** A generator being run to its end: the flow's delegation, or (`own`) vm_map_ram / vm_unmap_ram's. */
  private sub: Gen<unknown> | null = null;
  private own = false;

  constructor(
    private readonly o: BenchLoopSpec,
    private readonly t: Thread,
    pfnBase: number,
  ) {
    super();
    this.f = new AreaFlow(o.v, t);
    this.pfn0 = pfnBase + t.cpu * 2 * o.pages;
  }

  /** Runs the loop to its next yield (as `yield*` would: a delegated generator starts at once). */
  next(): Result {
    let s: Step = DELEGATE;
    if (this.sub === null) s = this.st === START ? this.start() : this.st === RESCHED ? this.top() : this.f.next();
    for (;;) {
      if (s === DELEGATE) {
        if (this.sub === null) this.sub = this.f.delegated();
        const r = this.sub.next();
        if (!r.done) return this.yield(r.value);
        this.sub = null;
        if (!this.own) s = this.f.next();
        else {
          this.own = false;
          s = this.st === MAP ? this.mapped(typeof r.value === 'number' ? r.value : -1) : this.unmapped();
        }
        continue;
      }
      if (s !== DONE) return this.yield(s);
      if (this.st === END) return FINISHED;
      s = this.st === MAP ? this.mapped(this.f.result) : this.unmapped();
    }
  }

  /** Ends the loop where it is (the engine never calls it; part of the Generator interface). */
  return(): Result {
    this.st = END;
    this.sub = null;
    return FINISHED;
  }

  private start(): Step {
    this.o.sampler.join(this.t);
    this.l = this.o.sampler.begin(this.t, this.o.iterations, 'vmap-bench');
    return this.top();
  }

  /** The top of the loop: the map, or the end (DONE in state END). */
  private top(): Step {
    const o = this.o;
    const l = this.l as Loop;
    if (l.done >= l.count) {
      o.sampler.end(l);
      o.sampler.leave(this.t);
      this.st = END;
      return DONE;
    }
    this.pfn = this.pfn0 + (l.done & 1) * o.pages;
    this.st = MAP;
    if (o.ram) return this.run(o.v.mapRamArea(this.t, this.pfn, o.pages));
    return this.f.alloc(o.pages, 1);
  }

  /** The area `id` is there (vmap: map it): touch its pages, then the unmap. */
  private mapped(id: number): Step {
    const o = this.o;
    const t = this.t;
    if (!o.ram && id >= 0) o.v.mapArea(t, id, this.pfn);
    if (id < 0) throw new RangeError(`vmap-bench: ${o.design} found no vmalloc space`);
    const vpn = o.v.areas.vpn[id];
    for (let q = 0; q < o.pages; q++) o.m.touch(t, vpn + q, o.touchSym);
    t.spend(o.touchSym, o.touchCycles);
    this.st = UNMAP;
    if (o.ram) return this.run(o.v.unmapRamArea(t, id));
    return this.f.free(id);
  }

  /** After the unmap: the sampler's count and one cond_resched point, then the next loop. */
  private unmapped(): Step {
    this.o.sampler.next(this.l as Loop);
    // A kworker queued on this CPU (6.9's drain, a purge helper) runs here: [U] one cond_resched point per
    // loop, as test_vmalloc's vmalloc has in vm_area_alloc_pages (PREEMPT_NONE; VOLUNTARY adds might_sleep).
    const rs = this.o.m.engine.condResched(this.t);
    if (rs === undefined) return this.top();
    this.st = RESCHED;
    return rs;
  }

  /** vm_map_ram / vm_unmap_ram: their generator, run to its end before the loop goes on. */
  private run(g: Gen<unknown>): Step {
    this.sub = g;
    this.own = true;
    return DELEGATE;
  }
}
