// Option names in their three spellings, from the one name a definition uses (camelCase):
// `--dump-level` on the command line, `dumpLevel` in code, `dump_level` in JSON (variant, sweep lines).
// Sweep files and calibration entries may use any of the three; they are normalised before any comparison.

/** dumpLevel, dump-level, dump_level → dumpLevel. */
export function camel(key: string): string {
  return key.replace(/[-_]+([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

/** dumpLevel → dump-level (the flag, without --). */
export function kebab(key: string): string {
  return camel(key).replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

/** dumpLevel → dump_level (JSON keys: variant, params, sweep lines). */
export function snake(key: string): string {
  return kebab(key).replace(/-/g, '_');
}

export const flagOf = (key: string): string => `--${kebab(key)}`;

function distance(a: string, b: string): number {
  const d = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = d[0];
    d[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cur = d[j];
      d[j] = Math.min(d[j] + 1, d[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = cur;
    }
  }
  return d[b.length];
}

/** The closest known name, if it is close enough to be a typo ("thread" → "threads"). */
export function nearest(given: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestD = Number.POSITIVE_INFINITY;
  const g = given.toLowerCase();
  for (const k of known) {
    const d = distance(g, k.toLowerCase());
    if (d < bestD) {
      best = k;
      bestD = d;
    }
  }
  return best !== undefined && bestD <= Math.max(1, Math.floor(given.length / 3)) ? best : undefined;
}

/** " (did you mean X?)" or "". */
export function didYouMean(given: string, known: readonly string[], show: (k: string) => string = (k) => k): string {
  const n = nearest(given, known);
  return n === undefined ? '' : ` (did you mean ${show(n)}?)`;
}
