// The page classes makedumpfile tells apart, and which dump_level bit excludes each
// (makedumpfile.8: 1 zero, 2 cache without private, 4 all cache, 8 user, 16 free).
/** The page classes makedumpfile tells apart, in class-code order. */
export const PAGE_CLASSES = ['kernel', 'zero', 'cache', 'private', 'user', 'free'] as const;
/** One of {@link PAGE_CLASSES}: kernel (never excluded), zero, cache, private (cache with private data), user, free. */
export type PageClass = (typeof PAGE_CLASSES)[number];

/** Class codes as stored in an image's runClass array. */
export const CLASS_CODE: Readonly<Record<PageClass, number>> = {
  kernel: 0,
  zero: 1,
  cache: 2,
  private: 3,
  user: 4,
  free: 5,
};

/** A number per page class (pages, or fractions of RAM). */
export type ClassCounts = Record<PageClass, number>;

/** Zero for every class. */
export function emptyCounts(): ClassCounts {
  return { kernel: 0, zero: 0, cache: 0, private: 0, user: 0, free: 0 };
}

/** The dump_level bits that exclude each class (kernel pages are never excluded). */
export const EXCLUDING_BITS: Readonly<Record<PageClass, number>> = {
  kernel: 0,
  zero: 1,
  cache: 2 | 4,
  private: 4,
  user: 8,
  free: 16,
};

/** True if `dumpLevel` excludes pages of class code `code`. */
export function excludes(dumpLevel: number, code: number): boolean {
  return (dumpLevel & EXCLUDING_BITS[PAGE_CLASSES[code]]) !== 0;
}

/** Whether the class is excluded by looking at mem_map (every bit but 1; zero pages are found by reading them). */
export function excludedByMemMap(dumpLevel: number, code: number): boolean {
  return code !== CLASS_CODE.zero && excludes(dumpLevel, code);
}

/** Throws RangeError unless `level` is a dump level makedumpfile accepts (an integer 0..31). */
export function checkDumpLevel(level: number): void {
  if (!Number.isInteger(level) || level < 0 || level > 31) {
    throw new RangeError(`dump level ${level} out of range (an integer from 0 to 31)`);
  }
}
