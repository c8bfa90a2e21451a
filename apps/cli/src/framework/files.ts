// Reading input files with bounds: only regular files (never /dev/zero, a FIFO or a directory) or stdin ("-"),
// and never more than a stated size, so no input can make kmemsim read without end or run out of memory.
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { UsageError } from './errors.js';

const SLEEP = new Int32Array(new SharedArrayBuffer(4));
const code = (err: unknown) => (err as NodeJS.ErrnoException)?.code ?? 'error';

/** Opens `file` for reading if it is a regular file (or "-": stdin, whatever it is); the caller closes it. */
export function openInput(file: string, label: string): { fd: number; size: number | undefined; close(): void } {
  if (file === '-') return { fd: 0, size: undefined, close: () => {} };
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch (err) {
    const c = code(err);
    throw new UsageError(`${label}: cannot read ${file} (${c === 'ENOENT' ? 'no such file' : c})`);
  }
  const st = fstatSync(fd);
  if (!st.isFile()) {
    closeSync(fd);
    const what = st.isDirectory()
      ? 'a directory'
      : st.isFIFO()
        ? 'a pipe'
        : st.isCharacterDevice()
          ? 'a device'
          : 'not a regular file';
    throw new UsageError(`${label}: ${file} is ${what}, expected a regular file`);
  }
  return { fd, size: st.size, close: () => closeSync(fd) };
}

/** The whole file as text, refused above `maxBytes` (a leading UTF-8 BOM is dropped). */
export function readBounded(file: string, label: string, maxBytes: number): string {
  const f = openInput(file, label);
  try {
    if (f.size !== undefined && f.size > maxBytes)
      throw new UsageError(`${label}: ${file} is ${f.size} bytes, more than the ${maxBytes} this input may have`);
    const chunks: Buffer[] = [];
    let total = 0;
    const buf = Buffer.alloc(1 << 16);
    for (;;) {
      let n: number;
      try {
        n = readSync(f.fd, buf, 0, buf.length, null);
      } catch (err) {
        if (code(err) === 'EAGAIN') {
          Atomics.wait(SLEEP, 0, 0, 10); // a non-blocking stdin with nothing yet: wait, do not spin
          continue;
        }
        if (code(err) === 'EOF') break;
        throw new UsageError(`${label}: cannot read ${file} (${code(err)})`);
      }
      if (n === 0) break;
      total += n;
      if (total > maxBytes)
        throw new UsageError(
          `${label}: ${file === '-' ? 'stdin' : file} has more than the ${maxBytes} bytes this input may have`,
        );
      chunks.push(Buffer.from(buf.subarray(0, n)));
    }
    return stripBom(Buffer.concat(chunks).toString('utf8'));
  } finally {
    f.close();
  }
}

export const stripBom = (s: string): string => (s.charCodeAt(0) === 0xfeff ? s.slice(1) : s);
