// `testArch(profile)`: the conformance kit as vitest tests. Every arch plugin's test file calls it:
//   import { testArch } from '@kmemsim/mmu/testing';
//   testArch(myArch);
import { describe, expect, it } from 'vitest';
import { CONFORMANCE_CHECKS } from './conformance.js';
import type { ArchProfile } from './schema.js';

export function testArch(profile: ArchProfile): void {
  describe(`arch conformance: ${profile.name}`, () => {
    for (const c of CONFORMANCE_CHECKS) {
      it(c.name, () => {
        expect(c.run(profile)).toBeNull();
      });
    }
  });
}

export { CONFORMANCE_CHECKS, type ConformanceCheck, runConformance } from './conformance.js';
