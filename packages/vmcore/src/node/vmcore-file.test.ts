// readVmcoreFile against the image model: a file written from an image (flat or sparse mem_map) reads back as the
// same memory map, page classes and buddy orders, and the model predicts the same calls from either.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fc, test } from '@fast-check/vitest';
import { afterAll, describe, expect } from 'vitest';
import { CLASS_CODE } from '../classes.js';
import { writeImageVmcore } from '../elf/writer.js';
import { buildImage } from '../image.js';
import { simulateSpec } from '../makedumpfile.js';
import { specFromImage } from '../mdf/from-image.js';
import type { ClassSource } from '../mdf/types.js';
import { readVmcoreFile } from './vmcore-file.js';

const X86_64 = { name: 'x86_64', pageBytes: 4096, structPageBytes: 64 };
const dir = mkdtempSync(join(tmpdir(), 'kmemsim-read-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs as [pfn, pages, class, order]; zero pages count as kernel (only their contents tell them apart). */
const runsOf = (c: ClassSource) => {
  const out: number[][] = [];
  c.forEachRun((p, n, code0, order) => {
    const code = code0 === CLASS_CODE.zero ? CLASS_CODE.kernel : code0;
    const last = out[out.length - 1];
    if (last && last[0] + last[1] === p && last[2] === code && last[3] === order) last[1] += n;
    else out.push([p, n, code, order]);
  });
  return out;
};

describe('readVmcoreFile', () => {
  let n = 0;
  test.prop(
    [
      fc.constantFrom('flat' as const, 'sparse' as const),
      fc.constantFrom(96, 200, 3200),
      fc.constantFrom('idle-guest', 'busy-server', 'file-server'),
      fc.nat(500),
      fc.integer({ min: 1, max: 5 }),
      fc.boolean(),
    ],
    { numRuns: 5 },
  )(
    'reads back the memory map, classes and orders; the model predicts the same calls',
    (model, mib, profile, seed, cpus, hw) => {
      const img = buildImage({ memBytes: mib * 2 ** 20, arch: X86_64, profile, seed, memoryModel: model });
      const path = join(dir, `v${n++}.vmcore`);
      writeImageVmcore(img, path, { cpus, hwpoison: hw, pageData: false });
      try {
        const file = readVmcoreFile(path);
        const spec = specFromImage(img, { crashCpus: cpus, hwpoison: hw });
        expect(file.cpus).toBe(cpus);
        expect(file.memMap.model).toBe(model);
        expect(file.spec.kernel.memMap).toEqual(spec.kernel.memMap);
        expect(runsOf(file.spec.classes)).toEqual(runsOf(spec.classes));
        for (const run of [
          { version: '1.7.2' as const, access: 'mmap' as const, dumpLevel: 31 },
          { version: '1.7.2' as const, access: 'read' as const, dumpLevel: 12, cyclicBufferBytes: 8192 },
          { version: '1.5.8' as const, access: 'mmap' as const, dumpLevel: 16 },
        ])
          expect(simulateSpec(file.spec, run).vmcore).toEqual(simulateSpec(spec, run).vmcore);
      } finally {
        rmSync(path, { force: true });
      }
    },
  );
});
