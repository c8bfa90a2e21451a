import i386 from '@kmemsim/arch-i386';
import x86_64 from '@kmemsim/arch-x86_64';
import { describe, expect, it } from 'vitest';
// The example third-party plugin under examples/ must pass the same kit as the built-in arches.
import arm64 from '../../../examples/arm64/arm64.mjs';
import { testArch } from './testing.js';
import { ArchValidationError, checkArch, defineArch, validateArch } from './validate.js';

type Mutator = (p: Record<string, any>) => void;
const clone = () => structuredClone(x86_64) as unknown as Record<string, any>;

// ≥ 10 malformed plugins; each must be rejected naming the field.
const MALFORMED: [string, Mutator, string][] = [
  ['missing name', (p) => delete p.name, 'name'],
  ['name with spaces', (p) => (p.name = 'My Arch'), 'name'],
  ['word size 48', (p) => (p.wordBits = 48), 'wordBits'],
  ['page size not a power of two', (p) => (p.pageBytes = 5000), 'pageBytes'],
  ['negative invlpg', (p) => (p.costs.invlpgCycles = -1), 'costs.invlpgCycles'],
  ['string where a number belongs', (p) => (p.costs.ioremapCycles = 'fast'), 'costs.ioremapCycles'],
  ['unknown flush method', (p) => (p.tlb.globalFlush = 'magic'), 'tlb.globalFlush'],
  ['zero TLB entries', (p) => (p.tlb.entries = 0), 'tlb.entries'],
  ['missing ipi block', (p) => delete p.ipi, 'ipi'],
  ['number without a source', (p) => delete p.sources['costs.invlpgCycles'], 'sources.costs.invlpgCycles'],
  [
    'highmem on 64-bit',
    (p) => (p.highmem = { pkmapEntries: 512, pkmapEntriesPae: 0, kmTypeNr: 13, kmapLocalSlots: 16 }),
    'highmem',
  ],
  ['defaultCpus above maxCpus', (p) => (p.defaultCpus = 10_000), 'defaultCpus'],
  ['struct page below the smallest of any era', (p) => (p.structPageBytes = 16), 'structPageBytes'],
  ['struct page not whole 64-bit words', (p) => (p.structPageBytes = 60), 'structPageBytes'],
  ['struct page above 256 bytes', (p) => (p.structPageBytes = 4096), 'structPageBytes'],
  ['virt mode missing its exits', (p) => delete p.virt['kvm-ept'].exits, 'virt.kvm-ept.exits'],
  [
    'virt mode with a negative exit cost',
    (p) => (p.virt['kvm-shadow'].vmExitCycles = -5),
    'virt.kvm-shadow.vmExitCycles',
  ],
  [
    'virt mode with a non-finite handling cost',
    (p) => (p.virt['kvm-shadow'].handlingCycles.invlpg = Number.POSITIVE_INFINITY),
    'virt.kvm-shadow.handlingCycles.invlpg',
  ],
  [
    'virt mechanism with a negative cost',
    (p) => (p.virt['kvm-shadow'].mechanism = { ...i386.virt['kvm-shadow']!.mechanism, kickCycles: -1 }),
    'virt.kvm-shadow.mechanism.kickCycles',
  ],
];

describe('arch validation', () => {
  it('accepts the built-in profile', () => {
    expect(checkArch(x86_64)).toEqual([]);
  });

  for (const [what, mutate, path] of MALFORMED) {
    it(`rejects a plugin with ${what}, naming ${path}`, () => {
      const p = clone();
      mutate(p);
      const problems = checkArch(p);
      expect(problems.map((x) => x.path)).toContain(path);
      expect(() => validateArch(p)).toThrow(ArchValidationError);
      expect(() => validateArch(p)).toThrow(new RegExp(path.replace(/\./g, '\\.')));
    });
  }

  it('says "required" only for missing fields', () => {
    const p = clone();
    delete p.hz;
    p.wordBits = 48;
    const byPath = Object.fromEntries(checkArch(p).map((x) => [x.path, x.message]));
    expect(byPath.hz).toMatch(/^required/);
    expect(byPath.wordBits).not.toMatch(/required/);
  });

  it('reports every problem at once', () => {
    const p = clone();
    p.pageBytes = 3;
    p.costs.invlpgCycles = 'x';
    delete p.sources.hz;
    expect(checkArch(p).map((x) => x.path)).toEqual(
      expect.arrayContaining(['pageBytes', 'costs.invlpgCycles', 'sources.hz']),
    );
  });

  it('defineArch returns the profile unchanged when valid and throws otherwise', () => {
    expect(defineArch(x86_64)).toBe(x86_64);
    const p = clone();
    p.hz = 0;
    expect(() => defineArch(p as never)).toThrow(/hz/);
  });
});

testArch(arm64);
