// Where the CLI writes. stdout writes are awaited and their errors (EPIPE on a closed pipe, ENOSPC on /dev/full)
// become one OutputError line and exit 1 instead of an unhandled 'error' event. Tests pass their own Io.
import {
  accessSync,
  closeSync,
  constants,
  fstatSync,
  fsyncSync,
  openSync,
  statSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { dirname, resolve } from 'node:path';
import { OutputError, UsageError } from './errors.js';

/** Where the CLI writes: stdout (async, errors on a closed pipe), stderr, and whether stderr is a terminal. */
export interface Io {
  stdout(text: string): Promise<void>;
  stderr(text: string): void;
  /** Progress bars and lines only on a terminal. */
  readonly stderrIsTTY: boolean;
}

const code = (err: unknown) => (err as NodeJS.ErrnoException)?.code ?? String((err as Error)?.message ?? err);

let guarded = false;

/** The real process streams. */
export function processIo(): Io {
  if (!guarded) {
    // A failed write also emits 'error' on the stream after its callback: without a listener Node prints a
    // 22-line "Unhandled 'error' event" trace. The callback below already reports it.
    process.stdout.on('error', () => {});
    process.stderr.on('error', () => {});
    guarded = true;
  }
  return {
    stdout: (text) =>
      new Promise<void>((ok, fail) => {
        if (text === '') return ok();
        try {
          process.stdout.write(text, (err) =>
            err ? fail(new OutputError(`cannot write to stdout: ${code(err)}`)) : ok(),
          );
        } catch (err) {
          fail(new OutputError(`cannot write to stdout: ${code(err)}`));
        }
      }),
    stderr: (text) => {
      try {
        process.stderr.write(text);
      } catch {
        // stderr closed: nothing left to tell anyone.
      }
    },
    stderrIsTTY: !!process.stderr.isTTY,
  };
}

/**
 * Checks before a run that `file` can be written (so a long run does not end in "cannot write"): its directory
 * exists and is writable, and it is not a directory.
 */
export function checkWritable(file: string, flag: string): void {
  const path = resolve(file);
  let st: ReturnType<typeof statSync> | undefined;
  try {
    st = statSync(path);
  } catch (err) {
    if (code(err) !== 'ENOENT') throw new UsageError(`${flag}: cannot write ${file}: ${code(err)}`);
  }
  if (st?.isDirectory()) throw new UsageError(`${flag}: ${file} is a directory, expected a file path`);
  try {
    if (st) accessSync(path, constants.W_OK);
    else {
      const dir = dirname(path);
      if (!statSync(dir).isDirectory()) throw Object.assign(new Error(), { code: 'ENOTDIR' });
      accessSync(dir, constants.W_OK);
    }
  } catch (err) {
    const c = code(err);
    const why = c === 'ENOENT' ? 'its directory does not exist' : c;
    throw new UsageError(`${flag}: cannot write ${file}: ${why}`);
  }
}

/** Writes a whole file: loops on short writes and fsyncs; on failure removes what it wrote (exit 1). */
export function writeWhole(file: string, text: string, flag: string): void {
  const data = Buffer.from(text);
  let fd: number;
  try {
    fd = openSync(file, 'w');
  } catch (err) {
    throw new UsageError(`${flag}: cannot write ${file}: ${code(err)}`);
  }
  let regular = false;
  try {
    regular = fstatSync(fd).isFile();
    let off = 0;
    while (off < data.length) off += writeSync(fd, data, off, data.length - off);
    if (regular) fsyncSync(fd);
  } catch (err) {
    closeSync(fd);
    if (regular) {
      try {
        unlinkSync(file);
      } catch {
        // already gone
      }
    }
    throw new OutputError(`${flag}: cannot write ${file}: ${code(err)}${regular ? ' (partial file removed)' : ''}`);
  }
  closeSync(fd);
}
