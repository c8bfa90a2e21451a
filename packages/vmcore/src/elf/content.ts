// Page contents: every page that is not of the zero class holds pseudo-random words derived from (seed, pfn), so
// no such page is ever all zeros (xorshift never yields 0 from a non-zero state) and any page can be recomputed
// to check the file byte for byte. Zero pages are never written: they stay holes of the sparse file.
import { PAGE_SIZE } from './x86.js';

const WORDS = PAGE_SIZE / 4;

function mix(seed: number, pfn: number): number {
  let z = (Math.imul(seed ^ 0x5bd1e995, 0x9e3779b1) ^ pfn ^ Math.floor(pfn / 0x100000000)) >>> 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
  z = (z ^ (z >>> 16)) >>> 0;
  return z === 0 ? 0x6d2b79f5 : z;
}

/** Fills `words[at .. at+1024)` with the contents of page `pfn`. */
export function fillPageWords(words: Uint32Array, at: number, pfn: number, seed: number): void {
  let x = mix(seed, pfn);
  for (let i = 0; i < WORDS; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    words[at + i] = x;
  }
}

/** The contents of one non-zero page as bytes (little-endian words). */
export function pageBytes(pfn: number, seed: number): Uint8Array {
  const words = new Uint32Array(WORDS);
  fillPageWords(words, 0, pfn, seed);
  return new Uint8Array(words.buffer);
}
