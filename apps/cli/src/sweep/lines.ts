// Reading JSON-lines files (sweep outputs) in bounded memory, with one rule for the last line that sweep, merge
// and report share: a last line without its newline is kept when it is complete JSON (a copy that lost its final
// newline) and ignored with a warning when it is not (a write cut short by a kill or a full disk).
import { readSync } from 'node:fs';
import { UsageError } from '../framework/errors.js';
import { openInput } from '../framework/files.js';

/** One result document is at most a few MiB; a line beyond this is not a sweep line. */
export const MAX_LINE_BYTES = 64 * 2 ** 20;

export interface Line {
  /** 1-based line number. */
  n: number;
  /** Byte offset of the line in the file, and its length without the newline. */
  offset: number;
  length: number;
  value: unknown;
  /** The last line, complete JSON but without its newline. */
  unterminated: boolean;
}

export interface ScanResult {
  /** Bytes up to the end of the last complete line (where an append must start). */
  goodBytes: number;
  /** A torn last line was ignored (its byte count), or 0. */
  tornBytes: number;
  /** The last complete line had no newline (an append must first add one). */
  unterminated: boolean;
  lines: number;
}

const BOM = Buffer.from([0xef, 0xbb, 0xbf]);

/**
 * Calls `each` for every non-empty line with its parsed JSON. A line that is not JSON is an error (exit 2), naming
 * file and line — except a torn last line, which is reported in the result for the caller to warn about.
 */
export function scanJsonLines(
  source: string | { name: string; data: Buffer },
  label: string,
  each: (line: Line) => void,
): ScanResult {
  const file = typeof source === 'string' ? source : source.name;
  let given = typeof source === 'string' ? undefined : source.data;
  const f = typeof source === 'string' ? openInput(file, label) : { fd: -1, close: () => {} };
  const chunk = Buffer.alloc(1 << 20);
  let pending = Buffer.alloc(0);
  let pendingOffset = 0;
  let pos = 0;
  let n = 0;
  let goodBytes = 0;
  let lines = 0;
  const where = (k: number) => `${label}: ${file}:${k}`;
  const handle = (buf: Buffer, offset: number, last: boolean): boolean => {
    n++;
    let text = buf.toString('utf8');
    if (offset === 0 && buf.subarray(0, 3).equals(BOM)) text = text.slice(1);
    if (text.trim() === '') return true;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      if (last) return false;
      const binary = /[\u0000-\u0008\u000e-\u001f]/.test(text) || text.includes('\ufffd');
      throw new UsageError(
        `${where(n)}: ${binary ? 'binary data' : 'not a JSON line'} (expected one JSON object per line)`,
      );
    }
    lines++;
    each({ n, offset, length: buf.length, value, unterminated: last });
    return true;
  };
  try {
    for (;;) {
      let got: number;
      let fresh: Buffer;
      if (given !== undefined) {
        fresh = given;
        got = given.length;
        given = Buffer.alloc(0);
      } else {
        try {
          got = readSync(f.fd, chunk, 0, chunk.length, null);
        } catch (err) {
          throw new UsageError(`${label}: cannot read ${file} (${(err as NodeJS.ErrnoException).code})`);
        }
        fresh = chunk.subarray(0, got);
      }
      if (got === 0) break;
      let data = Buffer.concat([pending, fresh]);
      let start = 0;
      let base = pendingOffset;
      for (let nl = data.indexOf(10, start); nl >= 0; nl = data.indexOf(10, start)) {
        handle(data.subarray(start, nl), base + start, false);
        start = nl + 1;
        goodBytes = base + start;
      }
      data = data.subarray(start);
      base += start;
      if (data.length > MAX_LINE_BYTES)
        throw new UsageError(`${where(n + 1)}: a line longer than ${MAX_LINE_BYTES} bytes is not a sweep line`);
      pending = Buffer.from(data);
      pendingOffset = base;
      pos += got;
    }
    let tornBytes = 0;
    let unterminated = false;
    if (pending.length > 0) {
      if (handle(pending, pendingOffset, true)) {
        unterminated = pending.toString('utf8').trim() !== '';
        goodBytes = pos;
      } else tornBytes = pending.length;
    }
    return { goodBytes, tornBytes, unterminated, lines };
  } finally {
    f.close();
  }
}
