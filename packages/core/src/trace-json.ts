// Writes recorded runs as Chrome trace-event JSON. Times are microseconds rounded to the nanosecond; a slice's
// end is rounded too and its duration taken between the rounded ends, so slices nested in the model stay nested.
import { type EventBuffer, Kind } from './trace-buffer.js';

export interface TraceJsonRun {
  pid: number;
  label: string;
  clockHz: number;
  buf: EventBuffer;
  /** CPUs with at least one event (each gets a named track). */
  used: Uint8Array;
  args: Record<string, unknown>[];
}

const CHUNK_EVENTS = 20_000;

export function* traceJsonChunks(
  runs: TraceJsonRun[],
  names: readonly string[],
  otherData: Record<string, unknown>,
): Generator<string> {
  const quoted = names.map((n) => JSON.stringify(n));
  let first = true;
  let out: string[] = ['{"traceEvents":[\n'];
  const add = (ev: string) => {
    out.push(first ? ev : `,\n${ev}`);
    first = false;
  };
  for (const r of runs) {
    const pid = r.pid;
    add(`{"ph":"M","name":"process_name","pid":${pid},"tid":0,"args":{"name":${JSON.stringify(r.label)}}}`);
    add(`{"ph":"M","name":"process_sort_index","pid":${pid},"tid":0,"args":{"sort_index":${pid}}}`);
    for (let cpu = 0; cpu < r.used.length; cpu++) {
      if (!r.used[cpu]) continue;
      add(`{"ph":"M","name":"thread_name","pid":${pid},"tid":${cpu},"args":{"name":"CPU ${cpu}"}}`);
      add(`{"ph":"M","name":"thread_sort_index","pid":${pid},"tid":${cpu},"args":{"sort_index":${cpu}}}`);
    }
    const nsPerCycle = 1e9 / r.clockHz;
    const ns = (cycles: number) => Math.round(cycles * nsPerCycle);
    const b = r.buf;
    for (let i = 0; i < b.length; i++) {
      const name = quoted[b.name[i]];
      const t0 = ns(b.ts[i]);
      const ts = t0 / 1000;
      const where = `"pid":${pid},"tid":${b.tid[i]},"ts":${ts}`;
      switch (b.kind[i] as Kind) {
        case Kind.Slice:
          add(`{"ph":"X","name":${name},${where},"dur":${(ns(b.ts[i] + b.dur[i]) - t0) / 1000}}`);
          break;
        case Kind.Instant: {
          const a = b.ref[i] >= 0 ? `,"args":${JSON.stringify(r.args[b.ref[i]])}` : '';
          add(`{"ph":"i","s":"t","name":${name},${where}${a}}`);
          break;
        }
        case Kind.Counter:
          add(`{"ph":"C","name":${name},"pid":${pid},"ts":${ts},"args":{"value":${b.dur[i]}}}`);
          break;
        case Kind.FlowStart:
          add(`{"ph":"s","id":${b.ref[i]},"cat":"ipi","name":${name},${where}}`);
          break;
        case Kind.FlowEnd:
          add(`{"ph":"f","bp":"e","id":${b.ref[i]},"cat":"ipi","name":${name},${where}}`);
          break;
      }
      if (out.length >= CHUNK_EVENTS) {
        yield out.join('');
        out = [];
      }
    }
  }
  out.push(`\n],"displayTimeUnit":"ns","otherData":${JSON.stringify(otherData)}}\n`);
  yield out.join('');
}
