// Value parsers shared by every option type. Each takes what the user gave — a command-line string, or a typed
// value from a sweep file or a calibration entry (number, boolean, string) — and returns the typed value or throws
// a UsageError naming where it came from (`--threads`, `grid.threads[1]`), what was given and what was expected.
import { formatSize, parseSize } from '@kmemsim/core';
import { badValue } from './errors.js';

export type Given = unknown;

const show = (v: Given): string => (typeof v === 'string' ? v : String(v));

function describeRange(kind: string, min: number, max: number, exclusiveMin = false): string {
  if (exclusiveMin) return `${kind} > ${fmt(min)} and ≤ ${fmt(max)}`;
  return `${kind} from ${fmt(min)} to ${fmt(max)}`;
}

const fmt = (n: number) => (Math.abs(n) >= 1e15 ? n.toExponential().replace('+', '') : String(n));

/** An integer in [min, max]: "8", "1_000", or a number that is an integer. Exponents are refused in text. */
export function intValue(v: Given, where: string, min: number, max: number): number {
  let n = Number.NaN;
  if (typeof v === 'number') n = v;
  else if (typeof v === 'string') {
    const s = v.trim().replace(/_/g, '');
    if (/^[-+]?\d+$/.test(s)) n = Number(s);
  }
  if (!Number.isSafeInteger(n) || n < min || n > max)
    throw badValue(where, show(v), describeRange('an integer', min, max));
  return n;
}

/** A finite number in [min, max] (or (min, max] with exclusiveMin). */
export function numberValue(v: Given, where: string, min: number, max: number, exclusiveMin = false): number {
  let n = Number.NaN;
  if (typeof v === 'number') n = v;
  else if (typeof v === 'string' && v.trim() !== '' && /^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i.test(v.trim()))
    n = Number(v.trim());
  if (!Number.isFinite(n) || n < min || (exclusiveMin && n === min) || n > max)
    throw badValue(where, show(v), describeRange('a number', min, max, exclusiveMin));
  return n;
}

/** Sizes to show as examples in an error: those of 4096, 800MiB, 1.5GiB, 16TiB in [min, max], else min and max. */
function sizeExamples(min: number, max: number): string {
  const all: [string, number][] = [
    ['4096', 4096],
    ['800MiB', 800 * 2 ** 20],
    ['1.5GiB', 1.5 * 2 ** 30],
    ['16TiB', 16 * 2 ** 40],
  ];
  const inRange = all.filter(([, b]) => b >= min && b <= max).map(([t]) => t);
  const shown = inRange.length >= 2 ? inRange : [min, max].map((b) => formatSize(b).replace(' ', ''));
  return `${shown.slice(0, -1).join(', ')} or ${shown.at(-1)}`;
}

/** IEC (800MiB) or SI (800MB) sizes in bytes; a lowercase "b" after a prefix is bits and refused with a hint. */
export function sizeValue(v: Given, where: string, min: number, max: number): number {
  const range = `a size from ${formatSize(min).replace(' ', '')} to ${formatSize(max).replace(' ', '')}`;
  if (typeof v === 'number') {
    if (!Number.isSafeInteger(v) || v < min || v > max) throw badValue(where, v, `${range} (in bytes)`);
    return v;
  }
  if (typeof v !== 'string') throw badValue(where, show(v), range);
  const bits = /^\s*(\d+(?:\.\d+)?)\s*([kKmMgGtTpP])(i?)(b|bit|bits)\s*$/.exec(v);
  if (bits) {
    const [, num, p, i] = bits;
    const P = p.toUpperCase();
    throw badValue(
      where,
      v,
      `a size in bytes — "${bits[4]}" means bits; did you mean ${num}${P}${i}B or ${num}${P}iB?`,
    );
  }
  let n: number;
  try {
    n = parseSize(v);
  } catch {
    throw badValue(where, v, `${range}, such as ${sizeExamples(min, max)}`);
  }
  if (n < min || n > max) throw badValue(where, v, range);
  return n;
}

/** What a KiB-counted size accepts, for errors and --help. */
export const kibExpected = (minKiB: number, maxKiB: number) =>
  `a whole number of KiB from ${formatSize(minKiB * 1024).replace(' ', '')} to ` +
  `${formatSize(maxKiB * 1024).replace(' ', '')}: a bare number counts KiB (as makedumpfile reads it), or a size such as 4MiB`;

/**
 * A size as makedumpfile's --cyclic-buffer takes it: on the command line a bare number counts KiB, as makedumpfile
 * reads it, and a size with a unit is bytes. A typed number (a sweep file, code, an already parsed value) is bytes,
 * as for every size, so parsing a parsed value gives it back. Either way it must be whole KiB in [minKiB, maxKiB].
 */
export function kibValue(v: Given, where: string, minKiB: number, maxKiB: number): number {
  const range =
    typeof v === 'number'
      ? `whole KiB from ${minKiB * 1024} to ${maxKiB * 1024} bytes (a number in a sweep file is bytes, as for every size: write 4KiB or "4" for 4 KiB)`
      : kibExpected(minKiB, maxKiB);
  if (typeof v === 'string' && /^\s*[-+]?\d+(\.\d*)?\s*$/.test(v)) {
    const kib = Number(v);
    if (!Number.isSafeInteger(kib) || kib < minKiB || kib > maxKiB) throw badValue(where, show(v), range);
    return kib * 1024;
  }
  let bytes: number;
  try {
    bytes = sizeValue(v, where, 0, Number.MAX_SAFE_INTEGER);
  } catch (err) {
    if (err instanceof Error && err.message.includes('means bits')) throw err;
    throw badValue(where, show(v), range);
  }
  if (bytes % 1024 !== 0 || bytes < minKiB * 1024 || bytes > maxKiB * 1024) throw badValue(where, show(v), range);
  return bytes;
}

export function choiceValue<T extends string>(v: Given, where: string, choices: readonly T[]): T {
  const s = typeof v === 'number' ? String(v) : v;
  if (typeof s !== 'string' || !(choices as readonly string[]).includes(s))
    throw badValue(where, show(v), `one of ${choices.join(', ')}`);
  return s as T;
}

/** on/off on the command line; true/false (or "on"/"off", "true"/"false") in sweep files. */
export function boolValue(v: Given, where: string): boolean {
  if (typeof v === 'boolean') return v;
  if (v === 'on' || v === 'true') return true;
  if (v === 'off' || v === 'false') return false;
  throw badValue(where, show(v), 'one of on, off');
}

export function stringValue(v: Given, where: string, maxLength: number, pattern?: RegExp, expected?: string): string {
  const s = typeof v === 'number' ? String(v) : v;
  if (typeof s !== 'string' || s.trim() === '' || s.length > maxLength || (pattern && !pattern.test(s)))
    throw badValue(where, show(v), expected ?? `a non-empty text of at most ${maxLength} characters`);
  return s;
}

/** A comma-separated list (text) or an array (sweep file); items parsed by `item`; duplicates dropped, order kept. */
export function listValue<T>(v: Given, where: string, item: (x: Given) => T, maxItems: number): T[] {
  let parts: Given[];
  if (Array.isArray(v)) parts = v.flatMap((x) => (typeof x === 'string' ? x.split(',').map((s) => s.trim()) : [x]));
  else if (typeof v === 'string') {
    if (v.trim() === '') throw badValue(where, v, 'a comma-separated list');
    parts = v.split(',').map((s) => s.trim());
  } else parts = [v];
  if (parts.length === 0) throw badValue(where, show(v), 'a comma-separated list');
  if (parts.some((p) => p === '')) throw badValue(where, show(v), 'a comma-separated list without empty items');
  if (parts.length > maxItems) throw badValue(where, show(v), `at most ${maxItems} items`);
  const out: T[] = [];
  for (const p of parts) {
    const x = item(p);
    if (!out.some((o) => Object.is(o, x))) out.push(x);
  }
  return out;
}
