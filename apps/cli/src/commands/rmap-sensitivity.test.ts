import { i386Piii } from '@kmemsim/arch-i386';
import type { ArchProfile } from '@kmemsim/mmu';
import { describe, expect, it } from 'vitest';
import { type Headlines, sensitivitySweep, uncertainHardware } from './rmap-sensitivity.js';

const pct = (x: number, base: number) => Math.round((x / base - 1) * 10_000) / 100;

describe('sensitivitySweep: every design at lo and hi of each [U] value', () => {
  it('one entry per [U] value, in order, with progress before each; a flip where a design crosses another', () => {
    const values = uncertainHardware(i386Piii);
    const mem = values.find((u) => u.path === 'cache.memoryCycles');
    expect(mem).toBeDefined();
    const { lo, hi, nominal } = mem as { lo: number; hi: number; nominal: number };
    expect(lo).toBeLessThan(nominal);
    expect(hi).toBeGreaterThan(nominal);
    // `slow` costs the memory latency, `flat` sits halfway between nominal and hi: it wins only at hi.
    const between = (nominal + hi) / 2;
    const seen: number[] = [];
    const headlines = (arch: ArchProfile): Headlines => {
      seen.push(arch.cache?.memoryCycles as number);
      return { values: { slow: arch.cache?.memoryCycles as number, flat: between }, none: 100 };
    };
    const progress: string[] = [];
    const out = sensitivitySweep(i386Piii, { slow: nominal, flat: between }, headlines, pct, {
      progress: (done, total, label) => progress.push(`${done}/${total} ${label}`),
    });
    expect(out.map((e) => e.param)).toEqual(values.map((u) => u.path));
    expect(progress[0]).toBe(`0/${values.length} sensitivity ${values[0]?.path}`);
    expect(progress).toHaveLength(values.length);
    const e = out.find((x) => x.param === 'cache.memoryCycles');
    expect(e).toMatchObject({
      nominal,
      lo,
      hi,
      ranking_lo: ['slow', 'flat'],
      ranking_hi: ['flat', 'slow'],
      flips: true,
    });
    expect(e?.overhead_hi).toEqual({ slow: pct(hi, 100), flat: pct(between, 100) });
    // Every other value leaves memoryCycles at nominal: the ranking holds.
    expect(out.filter((x) => x.flips).map((x) => x.param)).toEqual(['cache.memoryCycles']);
    expect(seen).toContain(lo);
    expect(seen).toHaveLength(2 * values.length);
  });

  it('a machine without [U] values: no entries, no re-runs', () => {
    const plain = { ...i386Piii, sources: {} } as ArchProfile;
    const out = sensitivitySweep(plain, { a: 1 }, () => expect.fail('no re-run'), pct, { progress: () => {} });
    expect(out).toEqual([]);
  });
});
