import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { type AccessKind, VmcoreAccess } from './access.js';

/** Page-by-page reference: the same caches, one page at a time, no shortcuts. */
function reference(kind: AccessKind, entries: number, win: number) {
  const c = { mmap: 0, munmap: 0, read: 0 };
  let slots: { s: number; e: number; used: number }[] = [];
  let clock = 0;
  const cap = kind === 'window' ? 1 : entries;
  return {
    c,
    page(p: number, loadEnd: number) {
      const all = slots.filter((x) => p >= x.s && p < x.e);
      const hit = all.length ? all.reduce((a, b) => (b.used > a.used ? b : a)) : undefined;
      if (hit) {
        hit.used = ++clock;
        return;
      }
      if (slots.length === cap) {
        const v = slots.reduce((a, b) => (b.used < a.used ? b : a));
        slots = slots.filter((x) => x !== v);
        if (kind !== 'read') c.munmap++;
      }
      if (kind === 'read') {
        c.read++;
        slots.push({ s: p, e: p + 1, used: ++clock });
      } else {
        c.mmap++;
        slots.push({ s: p, e: Math.min(p + win, loadEnd), used: ++clock });
      }
    },
  };
}

describe('VmcoreAccess', () => {
  it('1.5.7 window: one remap per miss, munmaps = mmaps − 1', () => {
    const a = new VmcoreAccess('window', 8, 1024);
    a.access(0, 4096, 10_000); // 4 windows
    a.access(0, 1, 10_000); // back to the start: a remap
    expect(a.c).toMatchObject({ mmap: 5, munmap: 4, mmapPages: 5 * 1024 });
  });

  it('windows are cut at the end of their PT_LOAD', () => {
    const a = new VmcoreAccess('lru', 8, 1024);
    a.access(0, 1500, 1500);
    expect(a.c).toMatchObject({ mmap: 2, munmap: 0, mmapPages: 1500 });
  });

  it('1.7 LRU: windows stay mapped until evicted, munmaps = mmaps − 8', () => {
    const a = new VmcoreAccess('lru', 8, 1024);
    a.access(0, 20 * 1024, 1e9);
    a.access(19 * 1024, 10, 1e9); // still cached
    expect(a.c).toMatchObject({ mmap: 20, munmap: 12 });
  });

  it('--non-mmap: one lseek + read per missed page', () => {
    const a = new VmcoreAccess('read', 8, 1024);
    a.access(100, 50, 1e9);
    a.access(145, 10, 1e9); // 145..149 cached, 150..154 miss
    expect(a.c).toMatchObject({ read: 55, lseek: 55, mmap: 0 });
  });

  test.prop([
    fc.constantFrom<AccessKind>('read', 'window', 'lru'),
    fc.array(fc.record({ at: fc.nat(300), n: fc.integer({ min: 1, max: 40 }) }), { maxLength: 40 }),
  ])('bulk accesses count exactly what page-by-page accesses count', (kind, ops) => {
    const a = new VmcoreAccess(kind, 8, 16);
    const r = reference(kind, 8, 16);
    const loadEnd = 400;
    for (const { at, n } of ops) {
      const m = Math.min(n, loadEnd - at);
      a.access(at, m, loadEnd);
      for (let p = at; p < at + m; p++) r.page(p, loadEnd);
    }
    expect({ mmap: a.c.mmap, munmap: a.c.munmap, read: a.c.read }).toEqual(r.c);
  });

  test.prop([
    fc.constantFrom<AccessKind>('read', 'window', 'lru'),
    fc.array(fc.record({ at: fc.integer({ min: 100, max: 300 }), n: fc.integer({ min: 1, max: 30 }) }), {
      maxLength: 20,
    }),
  ])('translated mem_map reads count what page-by-page walks count', (kind, ops) => {
    const a = new VmcoreAccess(kind, 8, 16);
    const r = reference(kind, 8, 16);
    for (const { at, n } of ops) {
      a.accessTranslated(at, n, 400, 10, 3, 50);
      for (let p = at; p < at + n; p++) {
        for (let q = 10; q < 13; q++) r.page(q, 50);
        r.page(p, 400);
      }
    }
    expect({ mmap: a.c.mmap, munmap: a.c.munmap, read: a.c.read }).toEqual(r.c);
  });
});
