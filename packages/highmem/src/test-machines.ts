// Machines for the tests: i386 as in seed 000, and variants with a small pkmap pool so wraps come quickly.
import type { ArchProfile } from '@kmemsim/mmu';

/** i386 with a LAST_PKMAP of `entries` (a power of two), for tests that need many wraps. */
export function smallPool(arch: ArchProfile, entries: number): ArchProfile {
  if (!arch.highmem) throw new Error(`${arch.name} has no highmem`);
  return { ...arch, highmem: { ...arch.highmem, pkmapEntries: entries, pkmapEntriesPae: entries } };
}
