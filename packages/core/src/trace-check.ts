// A checker of Chrome trace-event JSON as kmemsim writes it (the "Trace Event Format" document: ph, ts in µs,
// pid/tid, metadata events, flow ids), strict where viewers are silent: slices on one track must nest, every
// flow must have one start and one end, each inside a slice it can bind to, and every track must be named.

interface Ev {
  ph?: unknown;
  name?: unknown;
  pid?: unknown;
  tid?: unknown;
  ts?: unknown;
  dur?: unknown;
  id?: unknown;
  bp?: unknown;
  args?: unknown;
}

const PHASES = new Set(['X', 'i', 'C', 's', 'f', 'M']);

/** Problems found (empty: the trace is well formed). Stops listing after `max`. */
export function checkTraceEvents(doc: unknown, max = 20): string[] {
  const out: string[] = [];
  const bad = (msg: string) => {
    if (out.length < max) out.push(msg);
  };
  const events = (doc as { traceEvents?: unknown })?.traceEvents;
  if (!Array.isArray(events)) return ['traceEvents is not an array'];
  const unit = (doc as { displayTimeUnit?: unknown }).displayTimeUnit;
  if (unit !== undefined && unit !== 'ns' && unit !== 'ms') bad(`displayTimeUnit ${String(unit)}`);
  const processNamed = new Set<number>();
  const threadNamed = new Set<string>();
  const tracks = new Map<string, { ts: number; dur: number }[]>();
  const flows = new Map<number, { s: number; f: number; at: { track: string; ts: number }[] }>();
  const usedTracks = new Set<string>();
  const usedPids = new Set<number>();
  const checkOne = (raw: Ev, i: number): void => {
    const where = `event ${i} (${String(raw?.ph)} ${String(raw?.name)})`;
    if (!PHASES.has(String(raw?.ph))) return void bad(`${where}: ph must be one of ${[...PHASES].join(' ')}`);
    if (typeof raw.name !== 'string' || raw.name === '') bad(`${where}: name must be a non-empty string`);
    if (!Number.isInteger(raw.pid)) return void bad(`${where}: pid must be an integer`);
    const pid = raw.pid as number;
    const track = `${pid}/${String(raw.tid)}`;
    if (raw.ph === 'M') {
      const name = (raw.args as { name?: unknown } | undefined)?.name;
      if (raw.name === 'process_name' && typeof name === 'string') processNamed.add(pid);
      if (raw.name === 'thread_name' && typeof name === 'string') threadNamed.add(track);
      return;
    }
    usedPids.add(pid);
    const ts = raw.ts;
    if (typeof ts !== 'number' || !Number.isFinite(ts) || ts < 0) return void bad(`${where}: ts must be a number ≥ 0`);
    if (Math.abs(ts * 1000 - Math.round(ts * 1000)) > 1e-6) bad(`${where}: ts ${ts} is not rounded to the ns`);
    if (raw.ph === 'C') {
      const args = raw.args as Record<string, unknown> | undefined;
      if (!args || Object.values(args).some((v) => typeof v !== 'number'))
        bad(`${where}: counter args must be numbers`);
      return;
    }
    if (!Number.isInteger(raw.tid)) return void bad(`${where}: tid must be an integer`);
    usedTracks.add(track);
    if (raw.ph === 'X') {
      const dur = raw.dur;
      if (typeof dur !== 'number' || !Number.isFinite(dur) || dur < 0)
        return void bad(`${where}: dur must be a number ≥ 0`);
      let list = tracks.get(track);
      if (!list) tracks.set(track, (list = []));
      list.push({ ts, dur });
    }
    if (raw.ph === 's' || raw.ph === 'f') {
      if (!Number.isInteger(raw.id)) return void bad(`${where}: flow id must be an integer`);
      if (raw.ph === 'f' && raw.bp !== 'e') bad(`${where}: a flow end binds to its enclosing slice only with bp "e"`);
      const id = raw.id as number;
      let fl = flows.get(id);
      if (!fl) flows.set(id, (fl = { s: 0, f: 0, at: [] }));
      if (raw.ph === 's') fl.s++;
      else fl.f++;
      fl.at.push({ track, ts });
    }
  };
  events.forEach((raw: Ev, i) => {
    checkOne(raw, i);
  });
  for (const pid of usedPids) if (!processNamed.has(pid)) bad(`process ${pid} has no process_name`);
  for (const t of usedTracks) if (!threadNamed.has(t)) bad(`track ${t} has no thread_name`);
  // Flow ends per track, checked in one sweep with the nesting: a point binds if some slice is open at it.
  const points = new Map<string, { ts: number; id: number }[]>();
  for (const [id, fl] of flows) {
    if (fl.s !== 1 || fl.f !== 1) bad(`flow ${id}: ${fl.s} start(s) and ${fl.f} end(s), expected one of each`);
    for (const a of fl.at) {
      let p = points.get(a.track);
      if (!p) points.set(a.track, (p = []));
      p.push({ ts: a.ts, id });
    }
  }
  for (const [track, p] of points) if (!tracks.has(track)) bad(`flow ${p[0].id}: no slice on track ${track}`);
  for (const [track, list] of tracks) {
    list.sort((a, b) => a.ts - b.ts || b.dur - a.dur);
    const pts = (points.get(track) ?? []).sort((a, b) => a.ts - b.ts);
    let k = 0;
    const stack: number[] = [];
    const check = (upTo: number) => {
      for (; k < pts.length && pts[k].ts < upTo; k++) {
        while (stack.length > 0 && stack[stack.length - 1] < pts[k].ts - 1e-9) stack.pop();
        if (stack.length === 0) bad(`flow ${pts[k].id}: no slice on track ${track} at ${pts[k].ts}`);
      }
    };
    for (const s of list) {
      check(s.ts);
      while (stack.length > 0 && s.ts >= stack[stack.length - 1] - 1e-9) stack.pop();
      const end = s.ts + s.dur;
      if (stack.length > 0 && end > stack[stack.length - 1] + 1e-6) {
        bad(`track ${track}: slice at ${s.ts} (dur ${s.dur}) overlaps the end of its enclosing slice`);
      }
      stack.push(end);
    }
    check(Number.POSITIVE_INFINITY);
  }
  return out;
}
