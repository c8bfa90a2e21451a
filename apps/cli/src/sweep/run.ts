// Runs a sweep: the points of this shard not yet in the output file, on `workers` threads, each finished point
// appended at once. Results do not depend on worker or shard count: every point runs alone with its own seed.
import type { ResultDocument } from '@kmemsim/core';
import { UsageError } from '../framework/errors.js';
import { executeArgv } from '../framework/execute.js';
import { Appender, readLines } from './jsonl.js';
import { loadSweepFile, type Point, points } from './spec.js';

export interface SweepRun {
  file: string;
  out: string;
  workers: number;
  shard: { index: number; count: number };
  optionsOf: (command: string) => string[] | undefined;
  progress?: (done: number, total: number) => void;
}

export interface SweepSummary {
  points: number;
  inShard: number;
  skipped: number;
  ran: number;
}

type Outcome = { doc: ResultDocument } | { error: { name: string; message: string } };

function failed(p: Point, e: { name: string; message: string }): Error {
  const where = `sweep point ${p.index} (${p.argv.join(' ')})`;
  return e.name === 'UsageError' ? new UsageError(`${where}: ${e.message}`) : new Error(`${where}: ${e.message}`);
}

export async function runSweep(o: SweepRun): Promise<SweepSummary> {
  const spec = loadSweepFile(o.file, o.optionsOf);
  const all = points(spec);
  const mine = all.filter((p) => p.index % o.shard.count === o.shard.index);
  const done = new Set(readLines(o.out, true).map((l) => l.key));
  const todo = mine.filter((p) => !done.has(p.key));
  const out = new Appender(o.out);
  let finished = 0;
  o.progress?.(0, todo.length);
  const record = (p: Point, doc: ResultDocument) => {
    out.append({ index: p.index, key: p.key, seed: p.seed, options: p.options, result: doc });
    o.progress?.(++finished, todo.length);
  };
  try {
    if (o.workers <= 1) {
      for (const p of todo) {
        try {
          record(p, await executeArgv(p.argv));
        } catch (err) {
          throw failed(p, err as Error);
        }
      }
    } else {
      const { default: Tinypool } = await import('tinypool');
      const pool = new Tinypool({
        filename: new URL('./sweep-worker.js', import.meta.url).href,
        minThreads: o.workers,
        maxThreads: o.workers,
      });
      try {
        await Promise.all(
          todo.map(async (p) => {
            const r = (await pool.run(p.argv)) as Outcome;
            if ('error' in r) throw failed(p, r.error);
            record(p, r.doc);
          }),
        );
      } finally {
        await pool.destroy();
      }
    }
  } finally {
    out.close();
  }
  return { points: all.length, inShard: mine.length, skipped: mine.length - todo.length, ran: todo.length };
}
