// The sweep's output: one JSON line per finished point, appended and fsync'd, so a run killed at any moment
// (even SIGKILL) loses no finished point; a torn last line is cut off before appending again.
import { closeSync, existsSync, fsyncSync, openSync, readFileSync, truncateSync, writeSync } from 'node:fs';
import type { ResultDocument } from '@kmemsim/core';

export interface PointLine {
  index: number;
  key: string;
  seed: number;
  options: Record<string, unknown>;
  result: ResultDocument;
}

/** Reads the finished lines of a file (ignoring a torn last line) and truncates the torn tail. */
export function readLines(file: string, repair = false): PointLine[] {
  if (!existsSync(file)) return [];
  const text = readFileSync(file, 'utf8');
  const end = text.lastIndexOf('\n') + 1;
  if (repair && end < text.length) truncateSync(file, Buffer.byteLength(text.slice(0, end)));
  const lines: PointLine[] = [];
  for (const [n, line] of text.slice(0, end).split('\n').entries()) {
    if (!line.trim()) continue;
    try {
      lines.push(JSON.parse(line) as PointLine);
    } catch {
      throw new Error(`${file}:${n + 1}: not a JSON line`);
    }
  }
  return lines;
}

export class Appender {
  private readonly fd: number;
  constructor(file: string) {
    this.fd = openSync(file, 'a');
  }
  append(line: PointLine): void {
    writeSync(this.fd, `${JSON.stringify(line)}\n`);
    fsyncSync(this.fd);
  }
  close(): void {
    closeSync(this.fd);
  }
}
