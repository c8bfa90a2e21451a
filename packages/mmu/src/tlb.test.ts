import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { slotOf, Tlb } from './tlb.js';

/** Reference: per-CPU direct-mapped TLBs as plain arrays of objects, flushes done by emptying entries. */
class RefTlb {
  readonly pte = new Map<number, number>();
  readonly slots: ({ vpn: number; pfn: number } | null)[][];
  hits = 0;
  misses = 0;
  readonly reports: string[] = [];
  constructor(
    readonly cpus: number,
    readonly entries: number,
  ) {
    this.slots = Array.from({ length: cpus }, () => new Array(entries).fill(null));
  }
  access(cpu: number, vpn: number, cycle: number): boolean {
    const s = this.slots[cpu][vpn % this.entries];
    const cur = this.pte.get(vpn);
    if (s !== null && s.vpn === vpn) {
      this.hits++;
      if (cur !== s.pfn) this.reports.push(`stale ${cpu} ${vpn} ${s.pfn} ${cur ?? -1} ${cycle}`);
      return true;
    }
    this.misses++;
    if (cur === undefined) {
      this.reports.push(`unmapped ${cpu} ${vpn} -1 -1 ${cycle}`);
      return false;
    }
    this.slots[cpu][vpn % this.entries] = { vpn, pfn: cur };
    return false;
  }
  invalidate(cpu: number, vpn: number): void {
    const s = this.slots[cpu][vpn % this.entries];
    if (s !== null && s.vpn === vpn) this.slots[cpu][vpn % this.entries] = null;
  }
}

type Op =
  | { k: 'access'; cpu: number; vpn: number }
  | { k: 'invlpg'; cpu: number; vpn: number }
  | { k: 'map'; vpn: number; pfn: number }
  | { k: 'unmap'; vpn: number }
  | { k: 'flushLocal'; cpu: number }
  | { k: 'flushAll' }
  | { k: 'range'; vpn: number; pages: number };

const CPUS = 3;
const ENTRIES = 8;
const vpn = fc.nat(40);
const cpu = fc.nat(CPUS - 1);
/** Frames: small ones, and ones that do not fit a 32-bit word (kept in the TLB's side Map). */
const BIG_PFNS = [0xfffffffd, 0xfffffffe, 2 ** 32, 2 ** 40 + 1, -2, 0.5];
const pfnArb = fc.oneof({ weight: 5, arbitrary: fc.nat(5) }, { weight: 1, arbitrary: fc.constantFrom(...BIG_PFNS) });
const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ k: fc.constant('access' as const), cpu, vpn }) },
  { weight: 2, arbitrary: fc.record({ k: fc.constant('invlpg' as const), cpu, vpn }) },
  { weight: 4, arbitrary: fc.record({ k: fc.constant('map' as const), vpn, pfn: pfnArb }) },
  { weight: 2, arbitrary: fc.record({ k: fc.constant('unmap' as const), vpn }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('flushLocal' as const), cpu }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('flushAll' as const) }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('range' as const), vpn, pages: fc.nat(12) }) },
);

/** Runs `ops` on a Tlb (its stamps renumbered past `stampMax`, if given) and on the reference; they must agree. */
function agree(ops: Op[], stampMax: number | null): void {
  const t = new Tlb(CPUS, ENTRIES);
  if (stampMax !== null) t.stampMax = stampMax;
  const r = new RefTlb(CPUS, ENTRIES);
  ops.forEach((o, cycle) => {
    if (o.k === 'access') expect(t.access(o.cpu, o.vpn, cycle)).toBe(r.access(o.cpu, o.vpn, cycle));
    else if (o.k === 'invlpg') {
      t.invalidate(o.cpu, o.vpn);
      r.invalidate(o.cpu, o.vpn);
    } else if (o.k === 'map') {
      t.pte.set(o.vpn, o.pfn);
      r.pte.set(o.vpn, o.pfn);
    } else if (o.k === 'unmap') {
      t.pte.delete(o.vpn);
      r.pte.delete(o.vpn);
    } else if (o.k === 'flushLocal') {
      t.flushLocal(o.cpu);
      r.slots[o.cpu].fill(null);
    } else if (o.k === 'flushAll') {
      t.flushAll();
      for (const s of r.slots) s.fill(null);
    } else if (o.k === 'range') {
      t.invalidateRangeAll(o.vpn, o.pages);
      for (let c = 0; c < CPUS; c++) for (let p = o.vpn; p < o.vpn + o.pages; p++) r.invalidate(c, p);
    }
  });
  expect([t.hits, t.misses]).toEqual([r.hits, r.misses]);
  expect(t.reports.map((x) => `${x.kind} ${x.cpu} ${x.vpn} ${x.cachedPfn} ${x.currentPfn} ${x.cycle}`)).toEqual(
    r.reports.slice(0, t.maxReports),
  );
  for (let c = 0; c < CPUS; c++) {
    for (let v = 0; v <= 40; v++) {
      const s = r.slots[c][v % ENTRIES];
      expect(t.holds(c, v)).toBe(s !== null && s.vpn === v);
    }
  }
  for (let v = 0; v <= 40; v++) {
    const cur = r.pte.get(v);
    const want = r.slots.some((row) => row[v % ENTRIES]?.vpn === v && row[v % ENTRIES]?.pfn !== cur);
    expect(t.mayBeStale(v)).toBe(want);
  }
  for (const pfn of [0, 1, 2, 3, 4, 5, ...BIG_PFNS]) {
    const want: { cpu: number; vpn: number }[] = [];
    for (let c = 0; c < CPUS; c++) {
      for (const s of r.slots[c])
        if (s !== null && s.pfn === pfn && r.pte.get(s.vpn) !== pfn) want.push({ cpu: c, vpn: s.vpn });
    }
    expect(t.staleAliases(pfn)).toEqual(want);
  }
}

describe('Tlb against a reference model', () => {
  it('hits, misses, stale and unmapped reports, holds(), mayBeStale() and staleAliases() agree for random sequences', () => {
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 120 }), (ops) => agree(ops, null)),
      { numRuns: 300 },
    );
  });

  it('they agree when the flush counter is renumbered every few flushes (as past 2^32 flushes)', () => {
    fc.assert(fc.property(fc.array(opArb, { minLength: 40, maxLength: 160 }), fc.integer({ min: 2, max: 6 }), agree), {
      numRuns: 300,
    });
  });
});

describe('Tlb flushes', () => {
  it("a local flush drops that CPU's entries only, a global flush every CPU's; entries filled after either hit", () => {
    const t = new Tlb(3, 8);
    t.pte.set(3, 1);
    const fill = () => [0, 1, 2].map((c) => t.access(c, 3, 0));
    expect(fill()).toEqual([false, false, false]);
    expect(fill()).toEqual([true, true, true]);
    t.flushLocal(1);
    expect(fill()).toEqual([true, false, true]);
    t.flushLocal(1);
    t.flushLocal(2);
    expect([0, 1, 2].map((c) => t.holds(c, 3))).toEqual([true, false, false]);
    expect(fill()).toEqual([true, false, false]);
    t.flushAll();
    expect(fill()).toEqual([false, false, false]);
    t.flushLocal(0);
    t.flushAll();
    t.flushLocal(2);
    expect(fill()).toEqual([false, false, false]);
    expect(fill()).toEqual([true, true, true]);
  });
});

describe('slotOf', () => {
  it('equals vpn % m for page numbers up to 2^52 (kernel addresses included) and for the values % keeps', () => {
    const vpn = fc.oneof(
      fc.integer({ min: 0, max: 2 ** 20 }),
      fc.maxSafeNat().map((v) => v % 2 ** 52),
      fc.integer({ min: 0, max: 2 ** 20 }).map((d) => 2 ** 52 - 1 - d),
      fc.constantFrom(-1, 2 ** 52, 2 ** 53 - 1, 0.5, Number.NaN),
    );
    fc.assert(
      fc.property(vpn, fc.integer({ min: 1, max: 4096 }), (v, m) => {
        expect(Object.is(slotOf(v, m), v % m)).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });
});
