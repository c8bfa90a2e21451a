import { i386 } from '@kmemsim/arch-i386';
import { ia64 } from '@kmemsim/arch-ia64';
import { s390 } from '@kmemsim/arch-s390';
import { x86_64 } from '@kmemsim/arch-x86_64';
import type { ArchProfile } from '@kmemsim/mmu';
import { describe, expect, it } from 'vitest';
import { geometry, nrpte } from './geometry.js';

describe('NRPTE from the cache line (kernel-mechanisms.md, rmap)', () => {
  it.each([
    [32, 4, 4, 7],
    [64, 4, 4, 15],
    [64, 8, 8, 7],
    [128, 4, 4, 31],
    [128, 4, 8, 15],
    [256, 8, 8, 31],
  ])('line %i B, long %i B, pte_addr_t %i B → %i', (line, word, addr, want) => {
    expect(nrpte(line, word, addr)).toBe(want);
  });

  it('follows each arch profile, PAE + HIGHPTE widening pte_addr_t on i386', () => {
    const multi = (arch: ArchProfile, pae = false, highpte = false) =>
      geometry(arch, { kind: 'multi', pae, highpte }).slotsPerNode;
    expect(multi(i386)).toBe(15);
    expect(multi(i386, true, false)).toBe(15);
    expect(multi(i386, true, true)).toBe(7);
    expect(multi(x86_64)).toBe(7);
    expect(multi(s390)).toBe(31);
    expect(multi(ia64)).toBe(15);
  });

  it('the first pte_chain design: one PTE per two-pointer node', () => {
    const g = geometry(i386, { kind: 'pte_chain', pae: false, highpte: false });
    expect(g).toMatchObject({ slotsPerNode: 1, nodeBytes: 8, pteBytes: 4, ptesPerTable: 1024 });
    expect(geometry(i386, { kind: 'pte_chain', pae: true, highpte: false }).ptesPerTable).toBe(512);
    expect(geometry(x86_64, { kind: 'multi', pae: false, highpte: false }).nodeBytes).toBe(64);
  });
});
