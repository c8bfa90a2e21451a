// Authoring helper: write each number next to its source as a [value, source] pair; sourced() returns the plain
// profile with the `sources` map filled by dot path. Purely a convenience: a plugin may write `sources` by hand.
/**
 * A `[value, source]` pair: a number written next to where it comes from (a kernel constant, a manual, a
 * measurement, or `[U lo..hi] why` for an unsourced guess).
 */
export type Sourced = readonly [number, string];

type Unsource<T> = T extends readonly [infer N extends number, string]
  ? N
  : T extends readonly unknown[]
    ? T
    : T extends object
      ? { [K in keyof T]: Unsource<T[K]> }
      : T;

function isSourced(v: unknown): v is Sourced {
  return Array.isArray(v) && v.length === 2 && typeof v[0] === 'number' && typeof v[1] === 'string';
}

/**
 * Turns a profile written with `[value, source]` pairs into the plain profile plus its `sources` map (keyed by dot
 * path), so each number sits next to its source. A convenience: a plugin may write `sources` by hand.
 * @example
 * ```ts
 * const riscv = defineArch(sourced({
 *   name: 'riscv64',
 *   pageBytes: [4096, 'RISC-V privileged spec: Sv39 base page'],
 *   // …every other field
 * }));
 * ```
 */
export function sourced<const T extends object>(spec: T): Unsource<T> & { sources: Record<string, string> } {
  const sources: Record<string, string> = {};
  const walk = (v: unknown, path: string): unknown => {
    if (isSourced(v)) {
      sources[path] = v[1];
      return v[0];
    }
    if (v === null || typeof v !== 'object' || Array.isArray(v)) return v;
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x, path ? `${path}.${k}` : k)]));
  };
  const plain = walk(spec, '') as Record<string, unknown>;
  const given = (plain.sources ?? {}) as Record<string, string>;
  return { ...plain, sources: { ...sources, ...given } } as Unsource<T> & { sources: Record<string, string> };
}
