// The vmalloc layout's steady loops (sampler-mixed-vmap.ts) free their areas without clearing PTEs: that is exact
// only if every area is created over pages that map nothing. Checked on every area of sampled runs with mixed
// skips, in each design (the detailed paths, the functional ones and 6.9's pools alike).
import { x86_64 } from '@kmemsim/arch-x86_64';
import { Machine } from '@kmemsim/mmu';
import { afterEach, describe, expect, it } from 'vitest';
import { AreaTable } from '../mechanism/areas.js';
import { runTestVmalloc } from './test-vmalloc.js';

const add = AreaTable.prototype.add;
afterEach(() => {
  AreaTable.prototype.add = add;
});

describe('steady loops free never-mapped areas', () => {
  for (const impl of ['2.6.28', '5.2', '6.9']) {
    it(`${impl}: every area, however reserved, is created over pages that map nothing`, () => {
      const machine = new Machine({ arch: x86_64, cpus: 4 });
      let areas = 0;
      let mapped = 0;
      AreaTable.prototype.add = function (this: AreaTable, vpn, pages, reserved, block, home) {
        areas++;
        for (let p = vpn; p < vpn + reserved; p++) if (machine.tlb.pte.has(p)) mapped++;
        return add.call(this, vpn, pages, reserved, block, home);
      };
      const r = runTestVmalloc({
        machine,
        impl,
        nrThreads: 4,
        runTestMask: 7,
        testLoopCount: 150,
        sampling: { exact: false },
        mixedPhases: true,
      });
      // 6.9 skips nothing at this size (its steady loops run in detail): only the detailed paths are checked there.
      if (impl !== '6.9') expect(r.sampling.skipped).toBeGreaterThan(0);
      expect(areas).toBeGreaterThan(500);
      expect(mapped).toBe(0);
    });
  }
});
