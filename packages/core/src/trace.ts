// Timelines: Chrome trace-event JSON (loads in Perfetto and chrome://tracing). One process per engine (run),
// one track per CPU, a span per charged symbol, instant events for IPIs, flushes and lock waits. Contiguous spans
// of the same symbol on a CPU are merged, and the event count is capped so long runs stay bounded.
import type { Engine } from './engine.js';

export interface TraceEvent {
  name: string;
  ph: 'X' | 'i' | 'M';
  pid: number;
  tid: number;
  ts: number;
  dur?: number;
  s?: 't' | 'p';
  args?: Record<string, unknown>;
}

export interface TraceOptions {
  /** Events kept at most (spans + instants); later ones are counted and dropped. */
  maxEvents?: number;
}

export class TraceRecorder {
  readonly events: TraceEvent[] = [];
  dropped = 0;
  /** Spans and instants kept (metadata events do not count against the cap). */
  kept = 0;
  private engines = 0;
  private readonly max: number;

  constructor(o: TraceOptions = {}) {
    this.max = o.maxEvents ?? 200_000;
  }

  /** Starts recording an engine as its own process (`label` names it in the viewer). */
  attach(e: Engine, label = `run ${this.engines + 1}`): void {
    const pid = ++this.engines;
    const usPerCycle = 1e6 / e.clockHz;
    const last: (TraceEvent | undefined)[] = new Array(e.cpus).fill(undefined);
    this.meta(pid, 0, 'process_name', { name: `${label} (${e.cpus} CPUs)` });
    const named = new Set<number>();
    const nameCpu = (cpu: number) => {
      if (named.has(cpu)) return;
      named.add(cpu);
      this.meta(pid, cpu, 'thread_name', { name: `CPU ${cpu}` });
    };
    e.onSpend = (cpu, sym, start, cycles) => {
      const ts = start * usPerCycle;
      const prev = last[cpu];
      const name = e.profiler.info(sym).name;
      if (prev && prev.name === name && Math.abs(prev.ts + (prev.dur ?? 0) - ts) < 1e-9) {
        prev.dur = (prev.dur ?? 0) + cycles * usPerCycle;
        return;
      }
      nameCpu(cpu);
      const ev: TraceEvent = { name, ph: 'X', pid, tid: cpu, ts, dur: cycles * usPerCycle };
      if (this.push(ev)) last[cpu] = ev;
    };
    e.onInstant = (cpu, name, at, args) => {
      nameCpu(cpu);
      last[cpu] = undefined;
      this.push({ name, ph: 'i', s: 't', pid, tid: cpu, ts: at * usPerCycle, args });
    };
  }

  private meta(pid: number, tid: number, name: string, args: Record<string, unknown>): void {
    this.events.push({ name, ph: 'M', pid, tid, ts: 0, args });
  }

  private push(ev: TraceEvent): boolean {
    if (this.kept >= this.max) {
      this.dropped++;
      return false;
    }
    this.kept++;
    this.events.push(ev);
    return true;
  }

  toJSON(): { traceEvents: TraceEvent[]; displayTimeUnit: 'ns'; otherData: Record<string, unknown> } {
    return {
      traceEvents: this.events,
      displayTimeUnit: 'ns',
      otherData: { generator: 'kmemsim', droppedEvents: this.dropped, maxEvents: this.max },
    };
  }
}

/** Called with every new Engine (the CLI's --trace attaches a recorder this way). */
let observer: ((e: Engine) => void) | undefined;

/** Sets the observer of every engine created from now on; returns the one it replaces (to restore it). */
export function observeEngines(fn: ((e: Engine) => void) | undefined): ((e: Engine) => void) | undefined {
  const prev = observer;
  observer = fn;
  return prev;
}

export function notifyEngineCreated(e: Engine): void {
  observer?.(e);
}
