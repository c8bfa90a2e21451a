// Appends whole lines to the sweep output, or nothing: every write loops until all bytes are down, is fsync'd and
// verified (the file has exactly the size this writer made it). A write that fails part-way is cut back to the
// last whole line; on a full disk the appender waits for space (up to a bound) and tries again, and any other
// failure stops the sweep with every finished point intact (exit 1, rerun to resume).
import * as nodeFs from 'node:fs';
import { OutputError, UsageError } from '../framework/errors.js';

/** The calls the appender makes, so tests can play a disk that fills and empties. */
export interface AppendFs {
  openSync(path: string, flags: number): number;
  writeSync(fd: number, buf: Buffer, off: number, len: number, pos: number): number;
  fsyncSync(fd: number): void;
  ftruncateSync(fd: number, len: number): void;
  fstatSync(fd: number): { size: number; isFile(): boolean };
  closeSync(fd: number): void;
}

export const realFs: AppendFs = nodeFs;

const SLEEP = new Int32Array(new SharedArrayBuffer(4));
const sleep = (ms: number) => Atomics.wait(SLEEP, 0, 0, ms);
const TRANSIENT = new Set(['ENOSPC', 'EDQUOT', 'EAGAIN', 'EINTR']);

export interface AppenderOptions {
  fs?: AppendFs;
  /** How long to wait for space on a full disk before giving up (ms). */
  waitFullMs?: number;
  /** Called when an append starts waiting for space on a full disk. */
  onWait?: (code: string, waitedMs: number) => void;
  sleep?: (ms: number) => void;
}

export class Appender {
  private readonly fd: number;
  private size: number;
  private readonly fs: AppendFs;
  private readonly o: AppenderOptions;

  /** Opens `file` (created if missing); the first append goes at `goodBytes`, cutting any torn tail. */
  constructor(
    private readonly file: string,
    goodBytes: number,
    o: AppenderOptions = {},
  ) {
    this.fs = o.fs ?? realFs;
    this.o = o;
    const { O_RDWR, O_CREAT } = nodeFs.constants;
    try {
      this.fd = this.fs.openSync(file, O_RDWR | O_CREAT);
    } catch (err) {
      throw new UsageError(`--out: cannot write ${file}: ${(err as NodeJS.ErrnoException).code}`);
    }
    if (!this.fs.fstatSync(this.fd).isFile()) {
      this.fs.closeSync(this.fd);
      throw new UsageError(`--out: ${file} is not a regular file`);
    }
    this.size = this.fs.fstatSync(this.fd).size;
    if (this.size !== goodBytes) {
      this.fs.ftruncateSync(this.fd, goodBytes);
      this.size = goodBytes;
    }
  }

  /** Appends `text` whole (it must end with a newline). */
  append(text: string): void {
    const data = Buffer.from(text);
    let waited = 0;
    for (let delay = 100; ; delay = Math.min(delay * 2, 5_000)) {
      const failure = this.tryWrite(data);
      if (!failure) return;
      const budget = this.o.waitFullMs ?? 300_000;
      if (!TRANSIENT.has(failure) || waited >= budget) {
        const why = TRANSIENT.has(failure) ? `${failure}, still after waiting ${Math.round(waited / 1000)} s` : failure;
        throw new OutputError(
          `sweep: cannot append to ${this.file} (${why}); it holds every point finished so far: rerun to resume`,
        );
      }
      if ((failure === 'ENOSPC' || failure === 'EDQUOT') && waited === 0) this.o.onWait?.(failure, waited);
      (this.o.sleep ?? sleep)(delay);
      waited += delay;
    }
  }

  /** One attempt: all bytes written, fsync'd and verified, or the file cut back and the error code returned. */
  private tryWrite(data: Buffer): string | undefined {
    const start = this.size;
    let off = 0;
    try {
      while (off < data.length) {
        const n = this.fs.writeSync(this.fd, data, off, data.length - off, start + off);
        if (n <= 0) throw Object.assign(new Error('short write'), { code: 'EIO' });
        off += n;
      }
      this.fs.fsyncSync(this.fd);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? 'EIO';
      try {
        this.fs.ftruncateSync(this.fd, start);
      } catch {
        // the next attempt starts at `start` anyway, and readers ignore a torn tail
      }
      return code;
    }
    const now = this.fs.fstatSync(this.fd).size;
    if (now !== start + data.length)
      throw new OutputError(
        `sweep: ${this.file} is ${now} bytes after an append, expected ${start + data.length}: another process is writing it`,
      );
    this.size = now;
    return undefined;
  }

  close(): void {
    this.fs.closeSync(this.fd);
  }
}
