// Where the CLI writes. stdout writes are awaited and their errors (EPIPE on a closed pipe, ENOSPC on /dev/full)
// become one OutputError line and exit 1 instead of an unhandled 'error' event. Tests pass their own Io.
import {
  accessSync,
  closeSync,
  constants,
  fsyncSync,
  openSync,
  renameSync,
  statSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { dirname, resolve } from 'node:path';
import { OutputError, UsageError } from './errors.js';

/** Where the CLI writes: stdout (async, errors on a closed pipe), stderr, and whether stderr is a terminal. */
export interface Io {
  /** Writes text to stdout as is; rejects with OutputError when stdout is closed (EPIPE) or full (ENOSPC). */
  stdout(text: string): Promise<void>;
  /** Writes text to stderr as is (warnings, progress, the one-line error of a bad input). */
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
      // Create it and take it away: access(W_OK) says yes to root wherever the mode allows, even on a file system
      // that refuses new files (/proc), and the refusal would come only after the run.
      try {
        closeSync(openSync(path, 'wx'));
        unlinkSync(path);
      } catch (err) {
        throw new UsageError(`${flag}: cannot write ${file}: ${dir} takes no new file (${code(err)})`);
      }
    }
  } catch (err) {
    if (err instanceof UsageError) throw err;
    const c = code(err);
    const why = c === 'ENOENT' ? 'its directory does not exist' : c;
    throw new UsageError(`${flag}: cannot write ${file}: ${why}`);
  }
}

/**
 * Writes a whole file from chunks, or nothing: a regular file is written to a temporary name beside it (every short
 * write looped, fsync'd) and renamed into place; on failure the partial file is removed (OutputError, exit 1).
 * Devices (/dev/null, /dev/stdout) are written directly.
 */
export function writeChunks(file: string, chunks: Iterable<string | Buffer>, flag: string): void {
  let direct = false;
  try {
    direct = !statSync(file).isFile();
  } catch {
    // absent: a new regular file
  }
  const target = direct ? file : `${file}.kmemsim-${process.pid}.tmp`;
  let fd: number;
  try {
    fd = openSync(target, 'w');
  } catch (err) {
    throw new UsageError(`${flag}: cannot write ${file}: ${code(err)}`);
  }
  try {
    for (const chunk of chunks) {
      const data = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      let off = 0;
      while (off < data.length) off += writeSync(fd, data, off, data.length - off);
    }
    if (!direct) fsyncSync(fd);
    closeSync(fd);
    if (!direct) renameSync(target, file);
  } catch (err) {
    try {
      closeSync(fd);
    } catch {
      // closed above
    }
    if (!direct) {
      try {
        unlinkSync(target);
      } catch {
        // already gone
      }
    }
    if (err instanceof UsageError) throw err;
    throw new OutputError(`${flag}: cannot write ${file}: ${code(err)}${direct ? '' : ' (nothing written)'}`);
  }
}

/** Writes a whole file (see {@link writeChunks}). */
export function writeWhole(file: string, text: string | Buffer, flag: string): void {
  writeChunks(file, [text], flag);
}
