// --trace FILE: a Chrome trace-event timeline of every engine a command runs (one process per run, named by its
// configuration). FILE ending in .gz is written gzipped. When the runs produce more events than --trace-limit,
// each keeps the first part of its timeline and one warning says what was dropped.
import { createWriteStream, unlinkSync } from 'node:fs';
import { Readable, type Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import type { TraceSummary } from '@kmemsim/core';
import { OutputError } from './errors.js';

export async function startTrace(command: string, file: string, maxEvents: number, warn: (line: string) => void) {
  const { TraceRecorder, observeEngines } = await import('@kmemsim/core');
  const rec = new TraceRecorder({ maxEvents });
  observeEngines((e) => rec.attach(e, command));
  return {
    stop: () => observeEngines(undefined),
    write: async () => {
      await streamTo(file, Readable.from(rec.json()), file.endsWith('.gz') ? createGzip({ level: 9 }) : undefined);
      const s = rec.summary();
      if (s.dropped > 0) warn(droppedLine(s));
    },
  };
}

/** Streams the JSON chunks to the file (through gzip for .gz): a large trace is never one string. */
async function streamTo(file: string, src: Readable, gzip: Transform | undefined): Promise<void> {
  const out = createWriteStream(file);
  try {
    await (gzip ? pipeline(src, gzip, out) : pipeline(src, out));
  } catch (err) {
    try {
      unlinkSync(file);
    } catch {
      // nothing written
    }
    const code = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
    throw new OutputError(`--trace: cannot write ${file}: ${code} (partial file removed)`);
  }
}

const n = (x: number) => x.toLocaleString('en-US');

function ms(seconds: number): string {
  const v = seconds * 1e3;
  return v >= 100 ? `${n(Math.round(v))} ms` : `${Number(v.toPrecision(3))} ms`;
}

/** One line: how much was dropped, and for each cut run how much of its timeline was kept. */
export function droppedLine(s: TraceSummary): string {
  const cut = s.runs.filter((r) => r.kept < r.produced);
  const shown = cut.slice(0, 4).map((r) => {
    const upTo = Number.isFinite(r.keptUntilSeconds)
      ? `first ${ms(r.keptUntilSeconds)} of ${ms(r.endSeconds)}`
      : 'part';
    return `${r.label}: ${upTo} (${n(r.kept)} of ${n(r.produced)} events)`;
  });
  if (cut.length > shown.length) shown.push(`${cut.length - shown.length} more`);
  return (
    `--trace: ${n(s.dropped)} of ${n(s.produced)} events dropped to fit --trace-limit ${n(s.maxEvents)}; ` +
    `${cut.length} of ${s.runs.length} runs keep the first part of their timeline — ${shown.join('; ')}`
  );
}
