// The shortcuts (stretch walks, strided chunk reads, fixed points remembered across calls, bulk misses) against
// the call-by-call reference (every page looked up, the walk pfn by pfn) on random images: every count equal.
import { fc, test } from '@fast-check/vitest';
import { s390 } from '@kmemsim/arch-s390';
import { x86_64 } from '@kmemsim/arch-x86_64';
import { describe, expect } from 'vitest';
import { buildImage } from '../image.js';
import { simulateSpec } from '../makedumpfile.js';
import { specFromImage } from './from-image.js';

const MiB = 2 ** 20;

describe('fast path = call by call', () => {
  test.prop(
    [
      fc.record({
        arch: fc.constantFrom('x86_64', 's390'),
        mib: fc.integer({ min: 24, max: 320 }),
        profile: fc.constantFrom('idle-guest', 'busy-server', 'file-server'),
        meanRun: fc.option(fc.constantFrom(1, 2, 5, 30, 700, 5000), { nil: undefined }),
        seed: fc.nat(1000),
        hwpoison: fc.boolean(),
        crashCpus: fc.integer({ min: 1, max: 4 }),
      }),
      fc.record({
        version: fc.constantFrom('1.5.7' as const, '1.5.8' as const, '1.7.2' as const),
        access: fc.constantFrom('mmap' as const, 'read' as const),
        dumpLevel: fc.integer({ min: 0, max: 31 }),
        format: fc.constantFrom('kdump' as const, 'elf' as const),
        cyclicBufferBytes: fc.option(fc.constantFrom(1024, 3072, 8192, 65536), { nil: undefined }),
      }),
    ],
    { numRuns: 40 },
  )('every count of the vmcore, the walk and the pages is the same', (im, run) => {
    const img = buildImage({
      arch: im.arch === 'x86_64' ? x86_64 : s390,
      memBytes: im.mib * MiB,
      profile: im.profile,
      meanRunPages: im.meanRun,
      seed: im.seed,
    });
    const spec = specFromImage(img, { crashCpus: im.crashCpus, hwpoison: im.hwpoison });
    const fast = simulateSpec(spec, run);
    const ref = simulateSpec(spec, { ...run, callByCall: true });
    expect(fast).toEqual(ref);
  });

  test.prop(
    [
      fc.integer({ min: 1024, max: 3072 }),
      fc.constantFrom(3000, 20000, 200000),
      fc.nat(1000),
      fc.constantFrom('1.5.8' as const, '1.7.2' as const),
      fc.constantFrom(16, 17, 31),
    ],
    { numRuns: 6 },
  )(
    'long free stretches across many mem_map windows (strided chunk reads)',
    (mib, meanRun, seed, version, dumpLevel) => {
      const img = buildImage({ arch: x86_64, memBytes: mib * MiB, profile: 'idle-guest', meanRunPages: meanRun, seed });
      const spec = specFromImage(img, { crashCpus: 1 });
      const run = { version, access: 'mmap' as const, dumpLevel };
      expect(simulateSpec(spec, run)).toEqual(simulateSpec(spec, { ...run, callByCall: true }));
    },
  );
});
