// IEC sizes: "800MiB", "1.5GiB", "16TiB", "4096", "4KiB". Decimal SI units (MB, GB) are accepted too,
// because published figures use them ("an 800 MB application"); they mean powers of 1000.
const IEC: Record<string, number> = {
  '': 1,
  b: 1,
  kib: 2 ** 10,
  mib: 2 ** 20,
  gib: 2 ** 30,
  tib: 2 ** 40,
  pib: 2 ** 50,
  k: 2 ** 10,
  m: 2 ** 20,
  g: 2 ** 30,
  t: 2 ** 40,
  kb: 1e3,
  mb: 1e6,
  gb: 1e9,
  tb: 1e12,
};

/** Thrown by the size parser when a text is not a byte size; the message gives the expected form. */
export class SizeError extends Error {
  override name = 'SizeError';
}

/** Parses a byte size; throws SizeError with the expected form when the text is not one. */
export function parseSize(text: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-zA-Z]*)\s*$/.exec(String(text));
  const unit = m ? m[2].toLowerCase() : '';
  if (!m || !(unit in IEC)) {
    throw new SizeError(
      `"${text}" is not a size (expected a number with an optional unit: 4096, 4KiB, 800MiB, 1.5GiB, 16TiB)`,
    );
  }
  const bytes = Number(m[1]) * IEC[unit];
  if (!Number.isSafeInteger(Math.round(bytes))) throw new SizeError(`"${text}" is too large (max 8 PiB)`);
  return Math.round(bytes);
}

/** Formats bytes in the largest IEC unit that keeps at most 3 significant decimals: 1.5 GiB, 800 MiB. */
export function formatSize(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
  let v = bytes;
  let i = 0;
  while (Math.abs(v) >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  const s = Number.isInteger(v) ? String(v) : v.toFixed(2).replace(/\.?0+$/, '');
  return `${s} ${units[i]}`;
}

/** fls(): index of the most significant set bit, 1-based; fls(0) = 0 (as in the kernel). */
export function fls(n: number): number {
  return n <= 0 ? 0 : Math.floor(Math.log2(n)) + 1;
}

/** The smallest power of two ≥ n (1 for n ≤ 1), as the kernel's roundup_pow_of_two. */
export function roundupPowerOfTwo(n: number): number {
  return n <= 1 ? 1 : 2 ** Math.ceil(Math.log2(n));
}
