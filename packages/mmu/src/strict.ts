// Strictness for arch profiles: zod objects strip unknown keys, so a misspelt optional field (`tlbMisCycles`)
// would silently fall back to its default. This walks a candidate against the schema's shape and reports every
// key the schema does not know, with the nearest known name. It reads the schema itself, so a field added to
// schema.ts is known here with no second list to keep.
import type { z } from 'zod';

export interface UnknownKey {
  path: string;
  message: string;
}

type AnyZod = z.ZodType;
interface Def {
  type: string;
  innerType?: AnyZod;
  shape?: Record<string, AnyZod>;
}
const defOf = (s: AnyZod) => (s as unknown as { def: Def }).def;

/** Unwraps optional / nullable / default wrappers down to the schema that holds the value. */
function unwrap(s: AnyZod): AnyZod {
  let cur = s;
  for (let d = defOf(cur); d.innerType && ['optional', 'nullable', 'default', 'readonly'].includes(d.type); ) {
    cur = d.innerType;
    d = defOf(cur);
  }
  return cur;
}

function shapeOf(s: AnyZod): Record<string, AnyZod> | null {
  const u = unwrap(s);
  return defOf(u).type === 'object' ? (u as unknown as { shape: Record<string, AnyZod> }).shape : null;
}

/** Damerau–Levenshtein distance (adjacent transpositions count 1), case-insensitive. */
export function editDistance(a0: string, b0: string): number {
  const a = a0.toLowerCase();
  const b = b0.toLowerCase();
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...new Array<number>(b.length).fill(0)]);
  for (let j = 0; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++)
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  return d[a.length][b.length];
}

/** The closest candidate within a third of the word's length (at least 2 edits), or null. */
export function nearest(word: string, candidates: readonly string[]): string | null {
  let best: string | null = null;
  let bestD = Math.max(2, Math.floor(word.length / 3)) + 1;
  for (const c of candidates) {
    const dist = editDistance(word, c);
    if (dist < bestD) [best, bestD] = [c, dist];
  }
  return best;
}

/** Every dot path the schema declares (objects descended), e.g. `costs.invlpgCycles`. */
export function schemaPaths(schema: AnyZod, prefix = ''): string[] {
  const shape = shapeOf(schema);
  if (!shape) return [];
  return Object.entries(shape).flatMap(([k, v]) => {
    const p = prefix ? `${prefix}.${k}` : k;
    return [p, ...schemaPaths(v, p)];
  });
}

const isPlain = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/**
 * Keys of `value` that `schema` does not declare, at any depth, with a did-you-mean. `describeBlock` names what the
 * keys of a block are (e.g. "virt mode" for `virt`) for the message.
 */
export function unknownKeys(
  schema: AnyZod,
  value: unknown,
  describeBlock: (path: string) => string = () => 'field',
): UnknownKey[] {
  const all = schemaPaths(schema);
  const walk = (s: AnyZod, v: unknown, prefix: string): UnknownKey[] => {
    const shape = shapeOf(s);
    if (!shape || !isPlain(v)) return [];
    const known = Object.keys(shape);
    return Object.entries(v).flatMap(([k, x]) => {
      const path = prefix ? `${prefix}.${k}` : k;
      if (k in shape) return walk(shape[k], x, path);
      const what = describeBlock(prefix);
      const near = nearest(k, known);
      // Not a typo of a sibling: perhaps the right name in the wrong block (`invlpgCycles` at the top level).
      const elsewhere = near ? null : all.find((p) => p.endsWith(`.${k}`));
      const hint = near
        ? `; did you mean ${near}?`
        : elsewhere
          ? `; it belongs at ${elsewhere}`
          : ` (expected one of: ${known.join(', ')})`;
      return [{ path, message: `unknown ${what} "${k}"${hint}` }];
    });
  };
  return walk(schema, value, '');
}
