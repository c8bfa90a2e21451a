// Named compositions of a crashed kernel's memory: the fraction of RAM in each page class and how long its runs
// are (fragmentation, as mean run length in pages). Each says why its numbers are plausible; all are [U].
import { type ClassCounts, PAGE_CLASSES, type PageClass } from './classes.js';

/** What a crashed kernel's memory holds: fractions of RAM per page class and their fragmentation. */
export interface Composition {
  /** Fraction of RAM per class (normalised; missing classes are 0). */
  fractions: Record<PageClass, number>;
  /** Mean run length in pages per class: smaller is more fragmented. */
  meanRunPages: Record<PageClass, number>;
}

/** A named composition with the reason its numbers are plausible (all [U]). */
export interface ProfileInfo extends Composition {
  /** The profile's name (`--profile`). */
  name: string;
  /** Why these fractions and run lengths are plausible for such a machine. */
  why: string;
}

/** The named compositions `buildImage` and `--profile` accept. */
export const PROFILES = {
  'idle-guest': {
    name: 'idle-guest',
    why:
      'A small VM that crashed soon after boot (the seed 001 guest): kernel image, slab and mem_map ≈ 6%, boot-time ' +
      'page cache ≈ 9%, a few daemons ≈ 4% anon, most memory never allocated, so free and in large buddy blocks ' +
      '(runs of thousands of pages); zero pages are pages the kernel cleared but never filled.',
    fractions: { kernel: 0.06, zero: 0.03, cache: 0.08, private: 0.01, user: 0.04, free: 0.78 },
    meanRunPages: { kernel: 64, zero: 4, cache: 32, private: 8, user: 16, free: 2048 },
  },
  'busy-server': {
    name: 'busy-server',
    why:
      'An application server under load: page cache fills what the heap leaves (≈ 40% cache + 5% with buffer ' +
      'heads), ≈ 35% anon heap, free memory down to the watermarks (≈ 10%) and fragmented into small buddy blocks ' +
      'after weeks of churn; the kernel (slab, page tables, mem_map) ≈ 8%.',
    fractions: { kernel: 0.08, zero: 0.02, cache: 0.4, private: 0.05, user: 0.35, free: 0.1 },
    meanRunPages: { kernel: 16, zero: 2, cache: 16, private: 4, user: 8, free: 8 },
  },
  'file-server': {
    name: 'file-server',
    why:
      'An NFS/Samba box: memory is mostly clean page cache (70%) in long readahead runs plus 10% with buffer heads ' +
      '(ext4 metadata, "private"), small daemons, free memory at the watermarks.',
    fractions: { kernel: 0.05, zero: 0.01, cache: 0.7, private: 0.1, user: 0.06, free: 0.08 },
    meanRunPages: { kernel: 32, zero: 2, cache: 128, private: 16, user: 16, free: 16 },
  },
} satisfies Record<string, ProfileInfo>;

/** A named memory composition: one of {@link PROFILE_NAMES}. */
export type ProfileName = keyof typeof PROFILES;
/** Every named memory composition, in definition order. */
export const PROFILE_NAMES = Object.keys(PROFILES) as ProfileName[];
/** The composition used when neither a profile nor fractions are given. */
export const DEFAULT_PROFILE: ProfileName = 'idle-guest';
const BY_NAME: Readonly<Record<string, ProfileInfo | undefined>> = PROFILES;

/** Fractions normalised to sum 1; throws on negative or all-zero input. */
export function normaliseFractions(f: Partial<ClassCounts>): ClassCounts {
  let sum = 0;
  const out = {} as ClassCounts;
  for (const c of PAGE_CLASSES) {
    const v = f[c] ?? 0;
    if (!(v >= 0) || !Number.isFinite(v)) throw new RangeError(`fraction of ${c} must be ≥ 0, got ${v}`);
    out[c] = v;
    sum += v;
  }
  if (sum <= 0) throw new RangeError('fractions must not all be 0');
  for (const c of PAGE_CLASSES) out[c] /= sum;
  return out;
}

/** A profile by name, or an explicit composition (fractions override, meanRunPages number or per class). */
export function resolveComposition(o: {
  profile?: string;
  fractions?: Partial<ClassCounts>;
  meanRunPages?: number | Partial<ClassCounts>;
}): Composition & { profile: string } {
  const name = o.profile ?? (o.fractions ? 'custom' : DEFAULT_PROFILE);
  const base = BY_NAME[name] ?? (o.fractions ? PROFILES[DEFAULT_PROFILE] : undefined);
  if (!base) throw new RangeError(`unknown profile "${name}" (expected one of ${PROFILE_NAMES.join(', ')})`);
  const fractions = normaliseFractions(o.fractions ?? base.fractions);
  const meanRunPages = { ...base.meanRunPages };
  if (typeof o.meanRunPages === 'number') for (const c of PAGE_CLASSES) meanRunPages[c] = o.meanRunPages;
  else if (o.meanRunPages) Object.assign(meanRunPages, o.meanRunPages);
  for (const c of PAGE_CLASSES) {
    if (!(meanRunPages[c] >= 1)) throw new RangeError(`mean run of ${c} must be ≥ 1 page, got ${meanRunPages[c]}`);
  }
  return { profile: o.fractions && !o.profile ? 'custom' : name, fractions, meanRunPages };
}
