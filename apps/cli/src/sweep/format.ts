// The sweep output file: a header line naming the grid (its fingerprint, command, point count and shard), then one
// JSON line per finished point. A file is only ever resumed or merged with lines of the same grid.
import { RESULT_SCHEMA_ID, type ResultDocument } from '@kmemsim/core';
import { UsageError } from '../framework/errors.js';
import { type ScanResult, scanJsonLines } from './lines.js';

export const SWEEP_FORMAT = 'kmemsim/sweep@1';

export interface Header {
  format: typeof SWEEP_FORMAT;
  fingerprint: string;
  command: string;
  points: number;
  shard: string;
}

export interface PointLine {
  index: number;
  key: string;
  seed: number;
  options: Record<string, unknown>;
  result: ResultDocument;
}

export const headerLine = (h: Header) => `${JSON.stringify(h)}\n`;

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

export function asHeader(v: unknown): Header | undefined {
  if (!isObject(v) || v.format !== SWEEP_FORMAT) return undefined;
  const ok =
    typeof v.fingerprint === 'string' &&
    typeof v.command === 'string' &&
    Number.isSafeInteger(v.points) &&
    typeof v.shard === 'string' &&
    /^\d+\/\d+$/.test(v.shard);
  return ok ? (v as unknown as Header) : undefined;
}

/** Why a line is not a point of this grid, or undefined when it is one. */
export function pointProblem(v: unknown, h: Header): string | undefined {
  if (!isObject(v)) return `not a sweep point (got ${v === null ? 'null' : Array.isArray(v) ? 'a list' : typeof v})`;
  if (!Number.isSafeInteger(v.index) || (v.index as number) < 0 || (v.index as number) >= h.points)
    return `index ${JSON.stringify(v.index)} is not a point of this grid (0 to ${h.points - 1})`;
  if (!Number.isSafeInteger(v.seed)) return 'no seed';
  const r = v.result;
  if (!isObject(r) || r.schema !== RESULT_SCHEMA_ID || r.command !== h.command || !Array.isArray(r.runs))
    return `result is not a ${h.command} result document`;
  return undefined;
}

export interface SweepOutput {
  header: Header | undefined;
  scan: ScanResult;
}

/**
 * Reads a sweep output: the header, then every point line (checked against the header), in order. An empty file,
 * or one whose only line is a torn header, has no header.
 */
export function readSweepOutput(
  source: string | { name: string; data: Buffer },
  label: string,
  each: (p: PointLine, at: { offset: number; length: number; n: number; unterminated: boolean }) => void,
  onHeader: (h: Header) => void = () => {},
): SweepOutput {
  let header: Header | undefined;
  const file = typeof source === 'string' ? source : source.name;
  const scan = scanJsonLines(source, label, (line) => {
    if (!header) {
      header = asHeader(line.value);
      if (!header)
        throw new UsageError(
          `${label}: ${file}:${line.n}: not a kmemsim sweep output (its first line is not a ${SWEEP_FORMAT} header)`,
        );
      onHeader(header);
      return;
    }
    const problem = pointProblem(line.value, header);
    if (problem) throw new UsageError(`${label}: ${file}:${line.n}: ${problem}`);
    each(line.value as PointLine, line);
  });
  return { header, scan };
}

export function describeGrid(h: Header): string {
  return `${h.command}, ${h.points} points, grid ${h.fingerprint.slice(0, 12)}`;
}

/** Every point line of a sweep output, in file order (tests and tools; sweep and merge stream instead). */
export function readPoints(file: string): PointLine[] {
  const out: PointLine[] = [];
  readSweepOutput(file, 'read', (p) => out.push(p));
  return out;
}
