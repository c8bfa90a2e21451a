// Joins sweep outputs (shards, reruns) of one grid into one file ordered by point: a header, then each point once.
// Files of another grid are refused; the same point twice must carry the same bytes (anything else is a
// determinism bug worth stopping for); missing points and shards are reported. Lines are not held in memory: an
// index of (file, offset, length) per point, and the bytes copied in order.
import { closeSync, openSync, readSync } from 'node:fs';
import { UsageError } from '../framework/errors.js';
import { describeGrid, type Header, headerLine, readSweepOutput, SWEEP_FORMAT } from './format.js';

interface Entry {
  file: number;
  offset: number;
  length: number;
}

export interface MergeResult {
  /** The merged file, produced in pieces of at most ~1 MiB. */
  chunks: Generator<string>;
  header: Header;
  points: number;
  missing: number;
}

/** Reads byte ranges of the input files, keeping each file open once. */
class Files {
  private readonly fds = new Map<string, number>();
  read(file: string, offset: number, length: number): Buffer {
    let fd = this.fds.get(file);
    if (fd === undefined) {
      fd = openSync(file, 'r');
      this.fds.set(file, fd);
    }
    const buf = Buffer.alloc(length);
    let got = 0;
    while (got < length) {
      const n = readSync(fd, buf, got, length - got, offset + got);
      if (n === 0) throw new Error(`merge: ${file} changed while merging`);
      got += n;
    }
    return buf;
  }
  close(): void {
    for (const fd of this.fds.values()) closeSync(fd);
    this.fds.clear();
  }
}

export function mergeFiles(files: readonly string[], warn: (line: string) => void = () => {}): MergeResult {
  let header: Header | undefined;
  let headerFile = '';
  const shards = new Map<string, string>();
  const byIndex = new Map<number, Entry>();
  const io = new Files();
  try {
    files.forEach((file, fi) => {
      const r = readSweepOutput(
        file,
        'merge',
        (p, at) => {
          const seen = byIndex.get(p.index);
          const entry = { file: fi, offset: at.offset, length: at.length };
          if (!seen) {
            byIndex.set(p.index, entry);
            return;
          }
          const a = io.read(files[seen.file], seen.offset, seen.length);
          const b = io.read(file, at.offset, at.length);
          if (!a.equals(b))
            throw new Error(`merge: point ${p.index} has different results in ${files[seen.file]} and ${file}:${at.n}`);
        },
        (h) => {
          if (!header) {
            header = h;
            headerFile = file;
          } else if (
            h.fingerprint !== header.fingerprint ||
            h.command !== header.command ||
            h.points !== header.points
          ) {
            throw new UsageError(
              `merge: ${file} holds another grid (${describeGrid(h)}) than ${headerFile} (${describeGrid(header)}): merge files of one sweep only`,
            );
          }
        },
      );
      // A file whose only line is torn is no sweep output at all: one error, not a warning and an error.
      if (!r.header && r.scan.tornBytes > 0)
        throw new UsageError(
          `merge: ${file} is not a sweep output: its only line (${r.scan.tornBytes} bytes, no newline) is not JSON`,
        );
      if (!r.header) throw new UsageError(`merge: ${file} is empty (no sweep header)`);
      if (r.scan.tornBytes > 0) warn(`${file}: a torn last line (${r.scan.tornBytes} bytes) is ignored`);
      shards.set(r.header.shard, file);
    });
  } finally {
    io.close();
  }
  if (!header) throw new UsageError('merge: no files');
  const h = header;
  const missing = h.points - byIndex.size;
  if (missing > 0) {
    const counts = new Set([...shards.keys()].map((s) => Number(s.split('/')[1])));
    let absent = '';
    if (counts.size === 1) {
      const n = [...counts][0];
      const gone = Array.from({ length: n }, (_, i) => `${i}/${n}`).filter((s) => !shards.has(s) && !shards.has('0/1'));
      if (gone.length) absent = `; no file for shard${gone.length > 1 ? 's' : ''} ${gone.join(', ')}`;
    }
    let first = 0;
    while (byIndex.has(first)) first++;
    warn(`merge: ${missing} of ${h.points} points missing (first: point ${first})${absent}`);
  }
  const order = [...byIndex.keys()].sort((a, b) => a - b);
  const merged: Header = {
    format: SWEEP_FORMAT,
    fingerprint: h.fingerprint,
    command: h.command,
    points: h.points,
    shard: '0/1',
  };
  function* chunks(): Generator<string> {
    let buf = headerLine(merged);
    try {
      for (const i of order) {
        const e = byIndex.get(i) as Entry;
        buf += `${io.read(files[e.file], e.offset, e.length).toString('utf8')}\n`;
        if (buf.length >= 1 << 20) {
          yield buf;
          buf = '';
        }
      }
      if (buf) yield buf;
    } finally {
      io.close();
    }
  }
  return { chunks: chunks(), header: h, points: byIndex.size, missing };
}
