// `testArch(profile)`: the conformance kit as vitest tests. Every arch plugin's test file calls it:
//   import { testArch } from '@kmemsim/mmu/testing';
//   testArch(myArch);
import { describe, expect, it } from 'vitest';
import { CONFORMANCE_CHECKS, type ConformanceFinding, runConformance } from './conformance.js';
import type { ArchProfile } from './schema.js';

/** One vitest test per conformance check; an invalid profile fails every one of them. */
export function testArch(profile: ArchProfile): void {
  describe(`arch conformance: ${String((profile as { name?: unknown })?.name ?? '(unnamed)')}`, () => {
    let findings: ConformanceFinding[] | undefined;
    for (const c of CONFORMANCE_CHECKS) {
      it(c.name, () => {
        findings ??= runConformance(profile);
        expect(findings.find((f) => f.check === c.name)?.problem).toBeNull();
      });
    }
  });
}

export { CONFORMANCE_CHECKS, type ConformanceCheck, runConformance } from './conformance.js';
