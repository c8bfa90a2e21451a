import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { buildImage } from '../image.js';
import { PROFILE_NAMES } from '../profiles.js';
import { elfSourceFromImage } from './from-image.js';
import { classLookup, expectedPage } from './page-model.js';
import { VmcoreReader } from './reader.js';
import type { ElfPageClass } from './source.js';
import { tinySource } from './test-source.js';
import { translate } from './walk.js';
import { writeVmcore } from './writer.js';
import { OFF_MAPCOUNT, OFF_MAPPING, OFF_PRIVATE, OFF_REFCOUNT, PAGE_OFFSET, PAGE_SIZE, VMEMMAP_START } from './x86.js';

const X86_64 = { name: 'x86_64', pageBytes: 4096, structPageBytes: 64 };
const dir = mkdtempSync(join(tmpdir(), 'kmemsim-elf-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('writeVmcore on a 6 MiB-main-range image', () => {
  const src = tinySource({ blocks: ['zero', 'cache', 'private', 'user', 'free', 'free'], seed: 7 });
  const path = join(dir, 'tiny.vmcore');
  const w = writeVmcore(src, path);
  const r = new VmcoreReader(path);
  afterAll(() => r.close());

  it('plants the classes and leaves zero pages as holes of a sparse file', () => {
    expect(w.planted).toEqual({ kernel: 1951, zero: 1024, cache: 1024, private: 1024, user: 1024, free: 2048 });
    expect(w.fileBytes).toBe(4096 + (159 + 1792 + 6 * 1024) * PAGE_SIZE);
    expect(statSync(path).size).toBe(w.fileBytes);
    expect(statSync(path).blocks * 512).toBeLessThan(w.fileBytes - 1024 * PAGE_SIZE + 64 * 1024);
  });

  it('has page-aligned PT_LOADs in the direct map, CORE notes per CPU and a VMCOREINFO note', () => {
    expect(r.loads.map((l) => [l.paddr, l.vaddr - PAGE_OFFSET, l.offset % PAGE_SIZE])).toEqual([
      [0x1000n, 0x1000n, 0],
      [0x100000n, 0x100000n, 0],
    ]);
    expect(r.notes.map((n) => `${n.name}/${n.type}/${n.desc.length}`)).toEqual([
      'CORE/1/336',
      'CORE/1/336',
      `VMCOREINFO/0/${w.vmcoreinfo.length}`,
    ]);
    expect(r.vmcoreinfo()).toContain('NUMBER(PAGE_BUDDY_MAPCOUNT_VALUE)=-129\n');
    expect(r.vmcoreinfo()).toContain(`SYMBOL(init_top_pgt)=${w.layout.initTopPgt.toString(16)}\n`);
  });

  it('translates direct-map, kernel-text and vmemmap addresses through the 4-level tables', () => {
    const pgt = w.layout.initTopPgt;
    expect(translate(r, pgt, PAGE_OFFSET + 0x1234567n)).toBe(0x1234567n);
    const uts = translate(r, pgt, w.layout.initUtsNs) ?? 0n;
    expect(uts).toBe(BigInt(261 * PAGE_SIZE));
    const page = r.page(Number(uts) / PAGE_SIZE) ?? new Uint8Array();
    expect(new TextDecoder().decode(page.subarray(130, 143))).toBe('6.0.0-kmemsim');
    const ptrAt = Number((translate(r, pgt, w.layout.memMapSymbol) ?? 0n) % BigInt(PAGE_SIZE));
    expect(new DataView(page.buffer).getBigUint64(ptrAt, true)).toBe(VMEMMAP_START);
    expect(translate(r, pgt, VMEMMAP_START + 6144n * 64n)).toBe(BigInt(1024 * PAGE_SIZE + 6144 * 64));
  });

  it("writes each class's struct page the way makedumpfile tells them apart", () => {
    const sp = (pfn: number) => {
      const p = r.page(1024 + Math.floor(pfn / 64)) ?? new Uint8Array(PAGE_SIZE);
      const v = new DataView(p.buffer, (pfn % 64) * 64, 64);
      return {
        flags: Number(v.getBigUint64(0, true)),
        anon: Number(v.getBigUint64(OFF_MAPPING, true) & 1n),
        private: Number(v.getBigUint64(OFF_PRIVATE, true)),
        mapcount: v.getInt32(OFF_MAPCOUNT, true),
        refcount: v.getInt32(OFF_REFCOUNT, true),
      };
    };
    expect(sp(3072)).toMatchObject({ flags: 0b10110, anon: 0, private: 0 }); // cache: lru|uptodate|referenced
    expect(sp(4096).flags & (1 << 13)).toBe(1 << 13); // private cache: PG_private
    expect(sp(5120)).toMatchObject({ anon: 1, mapcount: 0 }); // user anon
    expect(sp(6144)).toMatchObject({ mapcount: -129, private: 10, refcount: 0 }); // buddy head, order 10
    expect(sp(6145)).toMatchObject({ mapcount: -1, private: 0, refcount: 0 }); // buddy tail
    expect(sp(200)).toMatchObject({ flags: 1 << 12, refcount: 1 }); // hole: reserved
  });
});

describe('page contents round-trip', () => {
  const cls = fc.constantFrom<ElfPageClass>('kernel', 'zero', 'cache', 'private', 'user', 'free');
  it('every page of a generated image reads back byte for byte', () => {
    let n = 0;
    fc.assert(
      fc.property(
        fc.array(cls, { minLength: 0, maxLength: 4 }),
        fc.integer({ min: 0, max: 2 ** 31 }),
        (blocks, seed) => {
          const src = tinySource({ blocks, seed });
          const path = join(dir, `rt${n++}.vmcore`);
          const w = writeVmcore(src, path);
          const r = new VmcoreReader(path);
          try {
            for (const l of src.loads)
              for (let pfn = l.startPfn; pfn < l.startPfn + l.pages; pfn++) {
                const got = r.page(pfn);
                if (!got || Buffer.compare(got, expectedPage(src, w.layout, pfn)) !== 0) return false;
              }
            return r.page(160) === undefined && r.page(w.layout.maxPfn) === undefined;
          } finally {
            r.close();
            rmSync(path);
          }
        },
      ),
      { numRuns: 8 },
    );
  });
});

describe('images from the model round-trip', () => {
  it('every page of a 64 MiB buildImage image, any profile and seed, reads back byte for byte', () => {
    let n = 0;
    fc.assert(
      fc.property(
        fc.constantFrom(...PROFILE_NAMES),
        fc.integer({ min: 0, max: 2 ** 31 }),
        fc.integer({ min: 1, max: 4 }),
        (profile, seed, cpus) => {
          const img = buildImage({ memBytes: 64 * 2 ** 20, arch: X86_64, profile, seed });
          const src = elfSourceFromImage(img, { cpus });
          const path = join(dir, `img${n++}.vmcore`);
          const w = writeVmcore(src, path);
          const r = new VmcoreReader(path);
          const lookup = classLookup(src);
          try {
            if (r.notes.filter((x) => x.name === 'CORE').length !== cpus) return false;
            expect(w.planted).toEqual(img.counts);
            // Zero pages are holes: the file occupies no more than its non-zero pages (plus metadata slack).
            expect(statSync(path).blocks * 512).toBeLessThanOrEqual(
              w.fileBytes - img.counts.zero * PAGE_SIZE + 2 ** 20,
            );
            for (const l of img.loads)
              for (let pfn = l.startPfn; pfn < l.startPfn + l.pages; pfn++) {
                const got = r.page(pfn);
                if (!got || Buffer.compare(got, expectedPage(src, w.layout, pfn, lookup)) !== 0) return false;
              }
            return true;
          } finally {
            r.close();
            rmSync(path);
          }
        },
      ),
      { numRuns: 4 },
    );
  });
});
