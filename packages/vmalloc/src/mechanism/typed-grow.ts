// One way to grow a typed-array column: a new array of the same type and length `n`, the old values copied in,
// zeros after them. The mechanism's columns (areas, interval nodes, the deferred lay-down) and the sampler's per-CPU
// tallies all grow this way.

/** `a` copied into a new array of its own type and length `n` (≥ a.length), zero-filled past the old values. */
export function grow<T extends Float64Array | Int32Array | Int16Array | Uint8Array>(a: T, n: number): T {
  const b = new (a.constructor as new (n: number) => T)(n);
  b.set(a);
  return b;
}
