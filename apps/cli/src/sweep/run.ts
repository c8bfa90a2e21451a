// Runs a sweep: the points of this shard not yet in the output file, on `workers` threads, each finished point
// appended at once (whole, fsync'd, verified). The output is locked for this one writer and carries the grid's
// fingerprint, so another grid or another shard is refused. Results do not depend on worker or shard count: every
// point runs alone with its own seed. Points are computed from their index as they are needed.
import { statSync } from 'node:fs';
import type { ResultDocument } from '@kmemsim/core';
import { describeThrown, UsageError } from '../framework/errors.js';
import { runCommand } from '../framework/invoke.js';
import { checkWritable } from '../framework/io.js';
import { snake } from '../framework/keys.js';
import { Appender, type AppenderOptions } from './appender.js';
import { describeGrid, type Header, headerLine, readSweepOutput, SWEEP_FORMAT } from './format.js';
import { lockOutput } from './lock.js';
import { loadSweepFile, optionsJson, type Point, point, type Sweep, shardIndices, shardSize } from './spec.js';
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
  appender?: AppenderOptions;
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

/** The indices already in `out` (sorted, unique) and where the next append goes; checks the header. */
function resumeState(s: Sweep, out: string, shard: string, warn: (l: string) => void) {
  const exists = (() => {
    try {
      return statSync(out).size > 0;
    } catch {
      return false;
    }
  })();
  const done: number[] = [];
  if (!exists) return { done: new Float64Array(0), header: undefined, goodBytes: 0, unterminated: false };
  const label = '--out';
  const r = readSweepOutput(out, label, (p) => done.push(p.index));
  if (r.scan.tornBytes > 0) warn(`${out}: a torn last line (${r.scan.tornBytes} bytes, a write cut short) is dropped`);
  const h = r.header;
  if (h) {
    if (h.fingerprint !== s.fingerprint)
      throw new UsageError(
        `--out: ${out} holds points of another grid (${describeGrid(h)}; this sweep: ${s.def.name}, ${s.total} points, ` +
          `grid ${s.fingerprint.slice(0, 12)}): use another --out`,
      );
    if (h.shard !== shard)
      throw new UsageError(`--out: ${out} holds shard ${h.shard} of this grid, not shard ${shard}: use another --out`);
  }
  const sorted = Float64Array.from(done).sort();
  return { done: sorted, header: h, goodBytes: r.scan.goodBytes, unterminated: r.scan.unterminated };
}

export async function runSweep(o: SweepRun): Promise<SweepSummary> {
  const warn = o.warn ?? (() => {});
  const s = loadSweepFile(o.file);
  for (const w of s.warnings) warn(w);
  checkWritable(o.out, '--out');
  try {
    if (!statSync(o.out).isFile())
      throw new UsageError(`--out: ${o.out} is not a regular file (sweep appends to a file)`);
  } catch (err) {
    if (err instanceof UsageError) throw err;
  }
  const shardText = `${o.shard.index}/${o.shard.count}`;
  const lock = lockOutput(o.out);
  const release = () => lock.release();
  const onSignal = (sig: NodeJS.Signals) => {
    release();
    // The command's own handler (resume hint, terminal restored) exits if there is one; else exit here.
    if (process.listenerCount(sig) === 0) process.exit(sig === 'SIGINT' ? 130 : 143);
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    const state = resumeState(s, o.out, shardText, warn);
    const out = new Appender(o.out, state.goodBytes, {
      onWait: (c) => warn(`${o.out}: ${c}, waiting for space`),
      ...o.appender,
    });
    try {
      if (state.unterminated) out.append('\n');
      if (!state.header) {
        const h: Header = {
          format: SWEEP_FORMAT,
          fingerprint: s.fingerprint,
          command: s.def.name,
          points: s.total,
          shard: shardText,
        };
        out.append(headerLine(h));
      }
      return await runPoints(s, o, state.done, out);
    } finally {
      out.close();
    }
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    release();
  }
}

async function runPoints(s: Sweep, o: SweepRun, done: Float64Array, out: Appender): Promise<SweepSummary> {
  const command = s.def.name;
  const inShard = shardSize(s.total, o.shard);
  let skipped = 0;
  for (const i of done) if (i % o.shard.count === o.shard.index) skipped++;
  const todo = inShard - skipped;
  let finished = 0;
  o.started?.({ points: s.total, inShard, skipped, saved: () => skipped + finished });
  const labelOf = (p: Point) =>
    `#${p.index} ${s.axes.map((a) => `${snake(a.name)}=${fmt(p.options[a.name])}`).join(' ')} seed ${p.seed}`;
  const starting = (p: Point) => o.progress?.(finished, todo, labelOf(p));
  const task = (p: Point): PointTask => ({ command, options: { ...p.options, seed: p.seed } });
  const record = (p: Point, doc: ResultDocument) => {
    const options = optionsJson(p);
    const key = JSON.stringify([command, Object.entries(options), p.seed]);
    out.append(`${JSON.stringify({ index: p.index, key, seed: p.seed, options, result: doc })}\n`);
    finished++;
    o.progress?.(finished, todo, labelOf(p));
  };
  // The shard's indices ascend, and so do the done ones: one pointer walks both.
  function* pending(): Generator<Point> {
    let d = 0;
    for (const i of shardIndices(s.total, o.shard)) {
      while (d < done.length && done[d] < i) d++;
      if (d < done.length && done[d] === i) continue;
      yield point(s, i);
    }
  }
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
      // At most 2 × workers points in flight: memory stays bounded whatever the grid's size.
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
  return { points: s.total, inShard, skipped, ran: finished };
}

function fmt(v: unknown): string {
  return Array.isArray(v) ? v.join(',') : String(v);
}
