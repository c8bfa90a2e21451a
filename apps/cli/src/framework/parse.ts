// Option value parsers. Each throws UsageError naming the flag, what was given and what was expected.
import { parseSize } from '@kmemsim/core';
import { badValue, UsageError } from './errors.js';

/** Comma-separated list; each item parsed by `item`; duplicates removed, order kept. */
export function parseList<T>(raw: string | undefined, flag: string, item: (s: string) => T): T[] {
  if (raw === undefined || String(raw).trim() === '') throw badValue(flag, raw ?? '', 'a comma-separated list');
  const parts = String(raw)
    .split(',')
    .map((s) => s.trim());
  if (parts.some((p) => p === '')) throw badValue(flag, raw, 'a comma-separated list without empty items');
  const out: T[] = [];
  for (const p of parts) {
    const v = item(p);
    if (!out.includes(v)) out.push(v);
  }
  return out;
}

export function parseIntIn(raw: string, flag: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
  const s = String(raw).trim().replace(/_/g, '');
  const n = /^-?\d+$/.test(s) ? Number(s) : Number.NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    throw badValue(
      flag,
      raw,
      max === Number.MAX_SAFE_INTEGER ? `an integer ≥ ${min}` : `an integer from ${min} to ${max}`,
    );
  }
  return n;
}

export function parseNumberIn(
  raw: string,
  flag: string,
  min: number,
  max = Number.POSITIVE_INFINITY,
  exclusiveMin = false,
): number {
  const n = Number(String(raw).trim());
  if (String(raw).trim() === '' || !Number.isFinite(n) || n < min || (exclusiveMin && n === min) || n > max) {
    const lo = exclusiveMin ? `> ${min}` : `≥ ${min}`;
    throw badValue(flag, raw, Number.isFinite(max) ? `a number ${lo} and ≤ ${max}` : `a number ${lo}`);
  }
  return n;
}

export function parseChoice<T extends string>(raw: string, flag: string, choices: readonly T[]): T {
  if (!(choices as readonly string[]).includes(raw)) throw badValue(flag, raw, `one of ${choices.join(', ')}`);
  return raw as T;
}

export function parseOnOff(raw: string, flag: string): boolean {
  return parseChoice(raw, flag, ['on', 'off'] as const) === 'on';
}

/** A size in bytes (IEC units); `min` bytes at least. */
export function parseSizeOpt(raw: string, flag: string, min = 1): number {
  let n: number;
  try {
    n = parseSize(raw);
  } catch {
    throw badValue(flag, raw, 'a size such as 4096, 800MiB, 1.5GiB or 16TiB');
  }
  if (n < min) throw badValue(flag, raw, `a size of at least ${min} bytes`);
  return n;
}

/** Rejects options that cannot go together. */
export function conflict(flagA: string, flagB: string, why: string): UsageError {
  return new UsageError(`${flagA} conflicts with ${flagB}: ${why}`);
}
