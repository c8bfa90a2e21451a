// Timelines: Chrome trace-event JSON (Perfetto, chrome://tracing). One process per run, named by its
// configuration; one track per CPU with a slice per charged symbol (contiguous spans of one symbol merged),
// slices for the frames a thread entered (nested around what they charge) and for lock waits; IPI handlers as
// slices on every target CPU with a flow arrow from the sender; counter tracks (flushes, IPIs, locks held, …).
//
// The event budget (`maxEvents`) is shared by the runs: each keeps the first part of its timeline, the share of
// a run that needs less going to the others (see EventBuffer.cut and shares()). summary() says what was cut.
import type { Engine, EngineTracer } from './engine.js';
import type { SymbolId } from './profiler.js';
import { EventBuffer, Kind, shares } from './trace-buffer.js';
import { type TraceJsonRun, traceJsonChunks } from './trace-json.js';

/** Options of a {@link TraceRecorder}. */
export interface TraceOptions {
  /** Events kept at most over every run (slices, instants, counter samples, flow ends); metadata is free. */
  maxEvents?: number;
  /**
   * Counters not drawn as tracks because they change on nearly every event (the slices show those already): a
   * name, or `*.suffix` for every counter with that suffix. Default: QUIET_COUNTERS.
   */
  quietCounters?: readonly string[];
}

/** Per-access or per-operation counts, which the slices already show one by one. */
export const QUIET_COUNTERS: readonly string[] = [
  'tlb_miss',
  'ipi_calls',
  '*.allocs',
  '*.frees',
  '*.lazy_frees',
  '*.areas_walked',
];

/** What one run's timeline kept of what it produced. */
export interface TraceRunSummary {
  /** The process name: the command and the run's variant. */
  label: string;
  /** Events the run produced (what an unlimited trace would hold). */
  produced: number;
  /** Events kept in the file. */
  kept: number;
  /** Simulated time the run covers, and the time up to which its events were kept (Infinity: all). */
  endSeconds: number;
  /** Simulated time up to which the run's events were kept (Infinity: all of them). */
  keptUntilSeconds: number;
}

/** What a trace kept and dropped, over every run, for the file's otherData and the warning on stderr. */
export interface TraceSummary {
  /** The event budget (--trace-limit). */
  maxEvents: number;
  /** Events produced by every run together. */
  produced: number;
  /** Events written. */
  kept: number;
  /** produced − kept, exactly. */
  dropped: number;
  /** Per run, in run order. */
  runs: TraceRunSummary[];
}

interface Pending {
  flow: number;
  sym: SymbolId;
  cycles: number;
  arrival: number;
}

interface Open {
  name: number;
  start: number;
  spin: boolean;
}

class CpuTrack {
  lastSym = -1;
  lastEnd = -1;
  lastIdx = -1;
  readonly open: Open[] = [];
  spin = 0;
  pending: Pending[] = [];
  /** End of the latest event on this track (where an idle CPU's next handler may start). */
  cursor = 0;
}

/** One engine's events. It is the engine's tracer; nothing here changes the simulation. */
class RunTrace implements EngineTracer {
  readonly buf = new EventBuffer();
  produced = 0;
  endCycles = 0;
  keptUntil = Number.POSITIVE_INFINITY;
  label: string;
  finished = false;
  readonly used: Uint8Array;
  private readonly cpus: CpuTrack[];
  private readonly symName: number[] = [];
  private readonly quiet: boolean[] = [];
  private readonly counterQ = new Map<number, { idx: number; q: number }>();
  private readonly quantum: number;
  readonly args: Record<string, unknown>[] = [];

  constructor(
    private readonly rec: TraceRecorder,
    readonly engine: Engine,
    readonly pid: number,
    private readonly command: string,
  ) {
    this.label = `${command} #${pid}`;
    this.cpus = Array.from({ length: engine.cpus }, () => new CpuTrack());
    this.used = new Uint8Array(engine.cpus);
    // Counter samples closer than 1 µs of simulated time are merged into the latest one.
    this.quantum = engine.clockHz / 1e6;
  }

  get clockHz(): number {
    return this.engine.clockHz;
  }

  private emit(kind: Kind, name: number, tid: number, ts: number, dur: number, ref: number): number {
    this.produced++;
    if (this.buf.length >= this.rec.maxEvents) return -1;
    if (tid >= 0) this.used[tid] = 1;
    return this.buf.push(kind, name, tid, ts, dur, ref);
  }

  private sym(id: SymbolId): number {
    let n = this.symName[id];
    if (n === undefined) n = this.symName[id] = this.rec.name(this.engine.profiler.info(id).name);
    return n;
  }

  spend(cpu: number, sym: SymbolId, start: number, cycles: number): void {
    const c = this.cpus[cpu];
    const end = start + cycles;
    if (end > this.endCycles) this.endCycles = end;
    if (end > c.cursor) c.cursor = end;
    if (c.spin > 0) return;
    if (c.lastSym === sym && c.lastEnd === start) {
      c.lastEnd = end;
      if (c.lastIdx >= 0) this.buf.dur[c.lastIdx] += cycles;
      return;
    }
    c.lastSym = sym;
    c.lastEnd = end;
    c.lastIdx = this.emit(Kind.Slice, this.sym(sym), cpu, start, cycles, -1);
  }

  instant(cpu: number, name: string, at: number, args?: Record<string, unknown>): void {
    this.cpus[cpu].lastSym = -1;
    let ref = -1;
    if (args !== undefined && this.buf.length < this.rec.maxEvents) ref = this.args.push(args) - 1;
    this.emit(Kind.Instant, this.rec.name(name), cpu, at, 0, ref);
  }

  begin(cpu: number, name: string, at: number, spin = false): void {
    const c = this.cpus[cpu];
    c.open.push({ name: this.rec.name(name), start: at, spin });
    if (spin) c.spin++;
    c.lastSym = -1;
  }

  end(cpu: number, at: number): void {
    const c = this.cpus[cpu];
    const o = c.open.pop();
    if (o === undefined) return;
    if (o.spin) c.spin--;
    c.lastSym = -1;
    if (at > c.cursor) c.cursor = at;
    if (at > o.start) this.emit(Kind.Slice, o.name, cpu, o.start, at - o.start, -1);
  }

  ipi(...[from, at, targets, handler, cycles, arrival, step]: Parameters<EngineTracer['ipi']>): void {
    const e = this.engine;
    const list = targets === 'allbutself' ? allBut(e.cpus, from) : targets;
    // The arrow leaves from the middle of the sending: inside the sender's send slice, never on its edge.
    const sTs = (at + arrival) / 2;
    const ipiName = this.rec.name('ipi');
    for (let i = 0; i < list.length; i++) {
      const cpu = list[i];
      const p = { flow: this.rec.nextFlow++, sym: handler, cycles, arrival: arrival + i * step };
      this.emit(Kind.FlowStart, ipiName, from, sTs, 0, p.flow);
      if (e.threadOn(cpu) === null) this.place(cpu, p, Math.max(this.cpus[cpu].cursor, p.arrival));
      else this.cpus[cpu].pending.push(p);
    }
  }

  irq(cpu: number, at: number, _cycles: number, until?: number): void {
    const c = this.cpus[cpu];
    if (c.pending.length === 0) return;
    let remaining = 0;
    for (const p of c.pending) remaining += p.cycles;
    let t = at;
    for (const p of c.pending) {
      // A waiting CPU took the interrupt when it arrived, as long as the handlers still end by `until`.
      const start = until === undefined ? t : Math.max(t, Math.min(p.arrival, until - remaining));
      this.place(cpu, p, start);
      t = start + p.cycles;
      remaining -= p.cycles;
    }
    c.pending = [];
  }

  private place(cpu: number, p: Pending, start: number): void {
    const c = this.cpus[cpu];
    this.emit(Kind.Slice, this.sym(p.sym), cpu, start, p.cycles, -1);
    this.emit(Kind.FlowEnd, this.rec.name('ipi'), cpu, start + p.cycles / 2, 0, p.flow);
    c.lastSym = -1;
    const end = start + p.cycles;
    if (end > c.cursor) c.cursor = end;
    if (end > this.endCycles) this.endCycles = end;
  }

  value(name: string, at: number, value: number): void {
    const id = this.rec.name(name);
    const q = Math.floor(at / this.quantum);
    const last = this.counterQ.get(id);
    if (last !== undefined && last.q === q) {
      if (last.idx >= 0 && this.buf.ts[last.idx] <= at) {
        this.buf.ts[last.idx] = at;
        this.buf.dur[last.idx] = value;
      }
      return;
    }
    this.counterQ.set(id, { idx: this.emit(Kind.Counter, id, -1, at, value, -1), q });
  }

  counter(id: number, value: number): void {
    let quiet = this.quiet[id];
    const name = this.engine.counters.nameOf(id);
    if (quiet === undefined) quiet = this.quiet[id] = this.rec.isQuiet(name);
    if (!quiet) this.value(name, this.engine.now(), value);
  }

  /** runFromEngine names the run by its variant. */
  run(variant: Record<string, string | number | boolean>): void {
    const v = Object.entries(variant)
      .map(([k, x]) => `${k}=${x}`)
      .join(' ');
    this.label = v ? `${this.command} ${v}` : this.command;
    this.finish();
  }

  /** Places handlers still owed (their CPU's thread ended before taking them) after the track's last event. */
  finish(): void {
    if (this.finished) return;
    this.finished = true;
    for (let cpu = 0; cpu < this.cpus.length; cpu++) {
      const c = this.cpus[cpu];
      for (const p of c.pending) this.place(cpu, p, Math.max(c.cursor, p.arrival));
      c.pending = [];
    }
  }
}

function allBut(n: number, from: number): number[] {
  const out: number[] = [];
  for (let c = 0; c < n; c++) if (c !== from) out.push(c);
  return out;
}

/** Records spends and instants of attached engines as Chrome trace events (`--trace out.json`), up to a cap. */
export class TraceRecorder {
  /** The event budget shared by every run. */
  readonly maxEvents: number;
  /** Counters that get no counter track (names, or `*.suffix` patterns). */
  readonly quietCounters: Set<string>;
  /** The next flow id (flow arrows are numbered across runs). */
  nextFlow = 1;
  private readonly runs: RunTrace[] = [];
  private readonly names = new Map<string, number>();
  /** Interned event names, by id. */
  readonly nameList: string[] = [];
  private settled = false;

  constructor(o: TraceOptions = {}) {
    this.maxEvents = o.maxEvents ?? 1_000_000;
    this.quietCounters = new Set(o.quietCounters ?? QUIET_COUNTERS);
  }

  /** True when `counter` gets no counter track. */
  isQuiet(counter: string): boolean {
    if (this.quietCounters.has(counter)) return true;
    const dot = counter.lastIndexOf('.');
    return dot >= 0 && this.quietCounters.has(`*${counter.slice(dot)}`);
  }

  /** Interns an event name. */
  name(s: string): number {
    let id = this.names.get(s);
    if (id === undefined) {
      id = this.nameList.length;
      this.names.set(s, id);
      this.nameList.push(s);
    }
    return id;
  }

  /** Starts recording an engine as its own process; `command` prefixes its name (the variant follows). */
  attach(e: Engine, command = 'run'): void {
    for (const r of this.runs) r.finish();
    this.trimFinished();
    const r = new RunTrace(this, e, this.runs.length + 1, command);
    this.runs.push(r);
    e.tracer = r;
    e.onSpend = (cpu, sym, start, cycles) => r.spend(cpu, sym, start, cycles);
    e.onInstant = (cpu, name, at, args) => r.instant(cpu, name, at, args);
    e.counters.watch = (id, value) => r.counter(id, value);
  }

  /**
   * Finished runs can only lose share as runs are added, so they are cut to their share now: memory stays
   * near twice the budget however many runs there are.
   */
  private trimFinished(): void {
    const done = this.runs.filter((r) => r.finished);
    const total = done.reduce((n, r) => n + r.buf.length, 0);
    if (total <= this.maxEvents) return;
    const sh = shares(
      done.map((r) => r.buf.length),
      this.maxEvents,
    );
    done.forEach((r, i) => {
      r.keptUntil = Math.min(r.keptUntil, r.buf.cut(sh[i]));
    });
  }

  /** Cuts every run to its share of the budget (once; later calls are no-ops). */
  private settle(): void {
    if (this.settled) return;
    this.settled = true;
    for (const r of this.runs) r.finish();
    const sh = shares(
      this.runs.map((r) => r.buf.length),
      this.maxEvents,
    );
    this.runs.forEach((r, i) => {
      r.keptUntil = Math.min(r.keptUntil, r.buf.cut(sh[i]));
      r.buf.pairFlows();
    });
  }

  /** Shares the budget out (once) and says what each run kept. */
  summary(): TraceSummary {
    this.settle();
    const runs = this.runs
      .filter((r) => r.produced > 0)
      .map((r) => ({
        label: r.label,
        produced: r.produced,
        kept: r.buf.length,
        endSeconds: r.endCycles / r.clockHz,
        keptUntilSeconds: r.keptUntil / r.clockHz,
      }));
    const produced = runs.reduce((n, r) => n + r.produced, 0);
    const kept = runs.reduce((n, r) => n + r.kept, 0);
    return { maxEvents: this.maxEvents, produced, kept, dropped: produced - kept, runs };
  }

  /** The trace-event JSON, in chunks (a large trace need not be one string). */
  *json(): Generator<string> {
    const s = this.summary();
    const runs: TraceJsonRun[] = this.runs
      .filter((r) => r.produced > 0)
      .map((r) => ({ pid: r.pid, label: r.label, clockHz: r.clockHz, buf: r.buf, used: r.used, args: r.args }));
    yield* traceJsonChunks(runs, this.nameList, {
      generator: 'kmemsim',
      maxEvents: s.maxEvents,
      producedEvents: s.produced,
      keptEvents: s.kept,
      droppedEvents: s.dropped,
    });
  }

  /** The whole trace as one object (tests, small traces). */
  toJSON(): { traceEvents: Record<string, unknown>[]; displayTimeUnit: string; otherData: Record<string, unknown> } {
    return JSON.parse([...this.json()].join(''));
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
