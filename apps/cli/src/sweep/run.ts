// Runs a sweep: the points of this shard not yet in the output file, on `workers` threads, each finished point
// appended at once. Results do not depend on worker or shard count: every point runs alone with its own seed.
// Points are computed from their index as they are needed: a shard of a huge grid starts at once.
import type { ResultDocument } from '@kmemsim/core';
import { describeThrown, UsageError } from '../framework/errors.js';
import { runCommand } from '../framework/invoke.js';
import { snake } from '../framework/keys.js';
import { Appender, readLines } from './jsonl.js';
import { loadSweepFile, optionsJson, type Point, point, shardIndices, shardSize } from './spec.js';
import type { PointTask } from './worker.js';

export interface SweepRun {
  file: string;
  out: string;
  workers: number;
  shard: { index: number; count: number };
  /** `done` of `total` points of this run finished; `label` names the point just started. */
  progress?: (done: number, total: number, label: string) => void;
  warn?: (line: string) => void;
  /** Called once before any point runs: the counts, and how many points are saved so far (for an interrupt). */
  started?: (s: { points: number; inShard: number; skipped: number; saved: () => number }) => void;
}

export interface SweepSummary {
  points: number;
  inShard: number;
  skipped: number;
  ran: number;
}

type Outcome = { doc: ResultDocument } | { error: { name: string; message: string } };

function failed(command: string, p: Point, e: { name: string; message: string }): Error {
  const where = `sweep point ${p.index} (${command} ${JSON.stringify(optionsJson(p))} seed ${p.seed})`;
  return e.name === 'UsageError' ? new UsageError(`${where}: ${e.message}`) : new Error(`${where}: ${e.message}`);
}

export async function runSweep(o: SweepRun): Promise<SweepSummary> {
  const s = loadSweepFile(o.file);
  for (const w of s.warnings) o.warn?.(w);
  const command = s.def.name;
  const done = new Set(readLines(o.out, true).map((l) => l.index));
  const inShard = shardSize(s.total, o.shard);
  let skipped = 0;
  for (const i of done) if (i % o.shard.count === o.shard.index && i < s.total) skipped++;
  const todo = inShard - skipped;
  const out = new Appender(o.out);
  let finished = 0;
  o.started?.({ points: s.total, inShard, skipped, saved: () => skipped + finished });
  const labelOf = (p: Point) =>
    `#${p.index} ${s.axes.map((a) => `${snake(a.name)}=${fmt(p.options[a.name])}`).join(' ')} seed ${p.seed}`;
  const starting = (p: Point) => o.progress?.(finished, todo, labelOf(p));
  const task = (p: Point): PointTask => ({ command, options: { ...p.options, seed: p.seed } });
  const record = (p: Point, doc: ResultDocument) => {
    const options = optionsJson(p);
    const key = JSON.stringify([command, Object.entries(options), p.seed]);
    out.append({ index: p.index, key, seed: p.seed, options, result: doc });
    finished++;
    o.progress?.(finished, todo, labelOf(p));
  };
  function* pending(): Generator<Point> {
    for (const i of shardIndices(s.total, o.shard)) if (!done.has(i)) yield point(s, i);
  }
  try {
    if (o.workers <= 1) {
      for (const p of pending()) {
        const t = task(p);
        starting(p);
        let doc: ResultDocument;
        try {
          doc = await runCommand(t.command, t.options);
        } catch (err) {
          throw failed(command, p, describeThrown(err));
        }
        record(p, doc);
        // A point runs without yielding to the event loop: let a pending Ctrl-C / SIGTERM be handled between points.
        await new Promise((resolve) => setImmediate(resolve));
      }
    } else {
      const { default: Tinypool } = await import('tinypool');
      const pool = new Tinypool({
        filename: new URL('./sweep-worker.js', import.meta.url).href,
        minThreads: o.workers,
        maxThreads: o.workers,
      });
      try {
        // At most 2 × workers points in flight: the queue stays small whatever the grid's size.
        const it = pending();
        let failure: Error | undefined;
        const lane = async () => {
          for (let n = it.next(); !n.done && !failure; n = it.next()) {
            const p = n.value;
            starting(p);
            const r = (await pool.run(task(p))) as Outcome;
            if ('error' in r) {
              failure ??= failed(command, p, r.error);
              return;
            }
            record(p, r.doc);
          }
        };
        await Promise.all(Array.from({ length: o.workers * 2 }, lane));
        if (failure) throw failure;
      } finally {
        await pool.destroy();
      }
    }
  } finally {
    out.close();
  }
  return { points: s.total, inShard, skipped, ran: finished };
}

function fmt(v: unknown): string {
  return Array.isArray(v) ? v.join(',') : String(v);
}
