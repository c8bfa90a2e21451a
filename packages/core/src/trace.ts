// Timelines: Chrome trace-event JSON (loads in Perfetto and chrome://tracing). One process per engine (run),
// one track per CPU, a span per charged symbol, instant events for IPIs, flushes and lock waits. Contiguous spans
// of the same symbol on a CPU are merged, and the event count is capped so long runs stay bounded.
import type { Engine } from './engine.js';

/** One Chrome trace-event (the JSON that chrome://tracing and Perfetto read). */
export interface TraceEvent {
  /** Symbol or event name. */
  name: string;
  /** Phase: `X` a complete span, `i` an instant, `M` metadata (process/thread names). */
  ph: 'X' | 'i' | 'M';
  /** Process id: one per engine (run) attached. */
  pid: number;
  /** Thread id: the CPU number. */
  tid: number;
  /** Start time in microseconds of simulated time. */
  ts: number;
  /** Duration in microseconds (spans only). */
  dur?: number;
  /** Scope of an instant: `t` this thread, `p` the process. */
  s?: 't' | 'p';
  /** Extra fields shown by the trace viewer. */
  args?: Record<string, unknown>;
}

/** Options of a {@link TraceRecorder}. */
export interface TraceOptions {
  /** Events kept at most (spans + instants); later ones are counted and dropped. */
  maxEvents?: number;
}

/** Records spends and instants of attached engines as Chrome trace events (`--trace out.json`), up to a cap. */
export class TraceRecorder {
  /** Events kept, in recording order. */
  readonly events: TraceEvent[] = [];
  /** Events not kept because the cap was reached. */
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

  /** The trace file's JSON object (`traceEvents`, display unit, and how many events were dropped). */
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
