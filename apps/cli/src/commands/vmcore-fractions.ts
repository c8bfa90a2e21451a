// Page-class fractions on the command line ("kernel=0.1,free=0.5") or in a sweep file: vmcore-dump and
// vmcore-image take the same form.
import { PAGE_CLASSES, type PageClass } from '@kmemsim/vmcore';
import { badValue } from '../framework/errors.js';
import { listValue, numberValue } from '../framework/values.js';

export type Fractions = Partial<Record<PageClass, number>>;

/**
 * Fractions per page class: "kernel=0.1,free=0.5" on the command line, or a mapping in a sweep file; each class
 * at most once, each in [0, max], at least one above 0.
 */
export function parseFractions(raw: unknown, flag: string, max = 1): Fractions {
  let pairs: [string, unknown][];
  if (raw !== null && typeof raw === 'object' && !Array.isArray(raw)) pairs = Object.entries(raw);
  else if (typeof raw === 'string') {
    pairs = listValue(raw, flag, (s) => String(s), 16).map((part) => {
      const m = /^([^=]*)=(.*)$/.exec(part);
      if (!m) throw badValue(flag, raw, `CLASS=NUMBER pairs such as kernel=0.4,free=0.6`);
      return [m[1], m[2]];
    });
    const seen = new Set<string>();
    for (const [k] of pairs) {
      if (seen.has(k)) throw badValue(flag, raw, `each class once (${k} is given twice)`);
      seen.add(k);
    }
  } else throw badValue(flag, raw, `CLASS=NUMBER pairs such as kernel=0.4,free=0.6`);
  const out: Fractions = {};
  for (const [k, v] of pairs) {
    if (!(PAGE_CLASSES as readonly string[]).includes(k))
      throw badValue(flag, k, `a page class: one of ${PAGE_CLASSES.join(', ')}`);
    out[k as PageClass] = numberValue(v, `${flag} ${k}`, 0, max);
  }
  if (Object.values(out).every((v) => v === 0)) throw badValue(flag, raw, 'at least one fraction > 0');
  return out;
}

/**
 * The image builder scales fractions to sum 1 (normaliseFractions): when the given ones do not, say what is run,
 * so `kernel=0.5` is not silently read as "half kernel, the rest free".
 */
export function warnUnscaled(f: Fractions, ctx: { warn(line: string): void }): void {
  const entries = Object.entries(f) as [PageClass, number][];
  const sum = entries.reduce((a, [, v]) => a + v, 0);
  if (Math.abs(sum - 1) <= 1e-9) return;
  const scaled = entries.map(([k, v]) => `${k}=${Number((v / sum).toPrecision(4))}`).join(',');
  ctx.warn(`--fractions sum to ${Number(sum.toPrecision(6))}, not 1: scaled to ${scaled}`);
}
