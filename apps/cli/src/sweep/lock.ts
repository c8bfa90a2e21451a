// One writer per sweep output: `OUT.lock` is created exclusively and names its holder (pid, host, start time). A
// second sweep on the same --out exits 2 naming the holder; a lock left by a killed sweep (its pid is gone on this
// host) is taken over.
import { closeSync, openSync, readFileSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { UsageError } from '../framework/errors.js';

interface Holder {
  pid: number;
  host: string;
  since: string;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

const SLEEP = new Int32Array(new SharedArrayBuffer(4));

function youngerThan(file: string, ms: number): boolean {
  try {
    return Date.now() - statSync(file).mtimeMs < ms;
  } catch {
    return false;
  }
}

function readHolder(lock: string): Holder | undefined {
  try {
    const h = JSON.parse(readFileSync(lock, 'utf8')) as Holder;
    return Number.isInteger(h.pid) && typeof h.host === 'string' ? h : undefined;
  } catch {
    return undefined;
  }
}

export interface Lock {
  release(): void;
}

export function lockOutput(out: string): Lock {
  const lock = `${out}.lock`;
  const me: Holder = { pid: process.pid, host: hostname(), since: new Date().toISOString() };
  for (let attempt = 0; attempt < 60; attempt++) {
    let fd: number;
    try {
      fd = openSync(lock, 'wx');
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== 'EEXIST') throw new UsageError(`--out: cannot lock ${out} (${lock}: ${code})`);
      const h = readHolder(lock);
      if (h && (h.host !== me.host || alive(h.pid))) {
        throw new UsageError(
          `--out: ${out} is being written by another sweep (pid ${h.pid} on ${h.host}, since ${h.since}); ` +
            `wait for it, or remove ${lock} if that sweep is gone`,
        );
      }
      if (!h && youngerThan(lock, 5_000)) {
        // Just created by a sweep that has not written its name yet: look again shortly.
        Atomics.wait(SLEEP, 0, 0, 100);
        continue;
      }
      // Stale (its process is gone) or unreadable for long: move it aside atomically and try again.
      try {
        renameSync(lock, `${lock}.stale-${process.pid}`);
        unlinkSync(`${lock}.stale-${process.pid}`);
      } catch {
        // another sweep took it over first: the next attempt sees its lock
      }
      continue;
    }
    writeSync(fd, JSON.stringify(me));
    closeSync(fd);
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      const h = readHolder(lock);
      if (h && h.pid === me.pid && h.host === me.host) {
        try {
          unlinkSync(lock);
        } catch {
          // already gone
        }
      }
    };
    return { release };
  }
  throw new UsageError(`--out: cannot lock ${out}: ${lock} keeps reappearing (another sweep is starting)`);
}
