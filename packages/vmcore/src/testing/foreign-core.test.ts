// --image on vmcores kmemsim did not write (foreign-core.ts, an independent generator): the reader finds the same
// memory map and page classes the generator planted, and where makedumpfile 1.7.2 and strace are installed the
// model's calls from the file equal the real tool's, and its excluded-page report equals what was planted.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CLASS_CODE } from '../classes.js';
import { checkForeignCore, SKIP, TOOLS } from '../elf/interop-check.js';
import { readVmcoreFile } from '../node/vmcore-file.js';
import { type ForeignCore, type ForeignOptions, writeForeignCore } from './foreign-core.js';

const dir = mkdtempSync(join(tmpdir(), 'kmemsim-foreign-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const base: ForeignOptions = { ramMiB: 160, cpus: 2, seed: 1, sparse: true, textLoad: true, directMap: '1g' };
const CONFIGS: [string, ForeignOptions][] = [
  ['sparse, kernel-text PT_LOAD, 1 GiB direct map', base],
  [
    'flat mem_map in the direct map, 2 MiB direct map, no text PT_LOAD',
    { ...base, sparse: false, textLoad: false, directMap: '2m', seed: 2, cpus: 1 },
  ],
  [
    'KASLR (text, direct map and vmemmap moved), 4 CPUs',
    { ...base, kaslr: true, ramMiB: 300, seed: 3, cpus: 4, directMap: '2m' },
  ],
];

/** The planted classes as [pfn, pages, code] runs, merged; zero pages read as kernel (only contents tell). */
function planted(f: ForeignCore): number[][] {
  const out: number[][] = [];
  for (const [p, n, c, o] of f.runs) {
    const code = c === 'zero' ? CLASS_CODE.kernel : CLASS_CODE[c];
    const order = c === 'free' ? o : 0;
    const last = out[out.length - 1];
    if (last && last[0] + last[1] === p && last[2] === code && last[3] === order) last[1] += n;
    else out.push([p, n, code, order]);
  }
  return out;
}

describe('--image on a vmcore another generator wrote', () => {
  for (const [name, o] of CONFIGS) {
    it(`${name}: the reader finds the planted memory map and classes`, () => {
      const path = join(dir, `${o.seed}.vmcore`);
      const f = writeForeignCore(path, o);
      const file = readVmcoreFile(path);
      expect(file.cpus).toBe(o.cpus);
      expect(file.osrelease).toBe('5.4.0-foreign');
      expect(file.memMap.model).toBe(o.sparse ? 'sparse' : 'flat');
      expect(file.spec.loads.length).toBe(f.layout.segments.length);
      const got: number[][] = [];
      file.spec.classes.forEachRun((p, n, code, order) => {
        const last = got[got.length - 1];
        if (last && last[0] + last[1] === p && last[2] === code && last[3] === order) last[1] += n;
        else got.push([p, n, code, order]);
      });
      expect(got).toEqual(planted(f));
      rmSync(path);
    });
  }

  it.skipIf(!TOOLS)(
    `equals the real makedumpfile 1.7.2 call for call, report as planted${SKIP}`,
    async () => {
      const runs = [
        { dumpLevel: 31, mmap: true },
        { dumpLevel: 31, mmap: false },
        { dumpLevel: 6, mmap: true },
        { dumpLevel: 16, mmap: true, elf: true },
      ];
      const misses: string[] = [];
      for (const [, o] of CONFIGS.slice(0, 2))
        misses.push(...(await checkForeignCore(join(dir, `real-${o.seed}.vmcore`), o, runs)));
      expect(misses).toEqual([]);
    },
    300_000,
  );
});
