import { i386 } from '@kmemsim/arch-i386';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkRmap } from './check.js';
import type { RmapKind } from './geometry.js';
import type { LockKind } from './locks.js';
import { reclaimPages } from './reclaim.js';
import { type RmapConfig, RmapSystem } from './rmap.js';

const VPNS = 6;
const ANON = 3;

type Step =
  | { op: 'map'; who: number; vpn: number }
  | { op: 'unmap'; who: number; vpn: number }
  | { op: 'fork'; who: number }
  | { op: 'exit'; who: number }
  | { op: 'reclaim'; who: number; vpn: number };

const who = fc.nat(7);
const vpn = fc.nat(VPNS - 1);
const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ op: fc.constant('map' as const), who, vpn }),
  fc.record({ op: fc.constant('unmap' as const), who, vpn }),
  fc.record({ op: fc.constant('fork' as const), who }),
  fc.record({ op: fc.constant('exit' as const), who }),
  fc.record({ op: fc.constant('reclaim' as const), who, vpn }),
);

function system(cfg: Partial<RmapConfig> & { kind: RmapKind }): RmapSystem {
  const config: RmapConfig = { direct: false, lock: 'bit', batch: false, pae: false, highpte: false, ...cfg };
  // Multi-pointer nodes of 3 slots (a 16-byte line) so chains of several nodes appear with few processes.
  const arch = cfg.kind === 'multi' ? { ...i386, cacheLineBytes: 16 } : i386;
  return new RmapSystem({ arch, config, vpnSpace: VPNS, anonPages: ANON });
}

/** Applies one step; `mms` holds the live processes (at least one stays alive). */
function apply(sys: RmapSystem, mms: number[], s: Step, cpu: number): void {
  sys.cpu = cpu;
  const mm = mms[s.who % mms.length];
  if (s.op === 'map') sys.faultIn(mm, s.vpn);
  else if (s.op === 'unmap') sys.unmapPage(mm, s.vpn);
  else if (s.op === 'fork') {
    if (mms.length >= 6) return;
    const child = sys.forkMm(mm);
    sys.forkRange(mm, child, 0, VPNS);
    mms.push(child);
  } else if (s.op === 'exit') {
    if (mms.length === 1) return;
    sys.exitRange(mm, 0, VPNS);
    sys.exitMm(mm);
    mms.splice(mms.indexOf(mm), 1);
  } else {
    const e = (sys.space.ptes[mm] as Int32Array)[s.vpn];
    if (e !== 0) reclaimPages(sys, [e - 1]);
  }
}

const CONFIGS: (Partial<RmapConfig> & { kind: RmapKind })[] = [
  { kind: 'none' },
  { kind: 'objrmap' },
  { kind: 'pte_chain' },
  { kind: 'pte_chain', direct: true, lock: 'hashed' as LockKind },
  { kind: 'multi' },
  { kind: 'multi', direct: true },
  { kind: 'multi', direct: true, lock: 'hashed' as LockKind, batch: true },
  { kind: 'pte_chain', batch: true, highpte: true, pae: true },
];

describe('invariants over random map / unmap / fork / exit / reclaim sequences', () => {
  // 8 configurations × 1,300 sequences = 10,400 sequences.
  for (const cfg of CONFIGS) {
    it(`${JSON.stringify(cfg)}: one rmap entry per present PTE, chain discipline, mapcounts, locks`, () => {
      fc.assert(
        fc.property(fc.array(step, { minLength: 1, maxLength: 24 }), (steps) => {
          const sys = system(cfg);
          const mms = [sys.space.newMm()];
          steps.forEach((s, i) => {
            apply(sys, mms, s, i % 3);
            const bad = checkRmap(sys);
            if (bad.length > 0) throw new Error(`after step ${i} ${JSON.stringify(s)}: ${bad.slice(0, 3).join('; ')}`);
          });
          // Tear down: every chain node returns to the slab.
          for (const mm of mms.splice(0)) {
            sys.exitRange(mm, 0, VPNS);
            sys.exitMm(mm);
          }
          expect(checkRmap(sys)).toEqual([]);
          if (sys.chains) expect(sys.chains.slab.inUse).toBe(0);
        }),
        { numRuns: 1300, seed: 42 },
      );
    });
  }

  it('the checker catches a PTE without its rmap entry', () => {
    const sys = system({ kind: 'pte_chain' });
    const mm = sys.space.newMm();
    sys.faultIn(mm, 0);
    (sys.space.ptes[mm] as Int32Array)[1] = 1; // a PTE written behind the rmap's back
    sys.space.present[mm]++;
    expect(checkRmap(sys).join('\n')).toMatch(/without rmap entry|mapcount/);
  });
});

describe('costed operations (i386, exact cycles)', () => {
  it('fork of a 2-page process under pte_chain charges copy, rmap add, node allocation', () => {
    const sys = new RmapSystem({
      arch: i386,
      config: { kind: 'pte_chain', direct: false, lock: 'bit', batch: false, pae: false, highpte: false },
      vpnSpace: 2,
      anonPages: 2,
    });
    const p = sys.space.newMm();
    sys.populate(p, 0, 2);
    sys.tally.clear();
    const child = sys.forkMm(p);
    expect(sys.forkRange(p, child, 0, 2)).toBe(2);
    const c = sys.c;
    expect(sys.miss).toBe(420); // 175 ns at 2.4 GHz
    const byName = (s: string) => sys.tally.cycles[['do_fork', 'do_exit', 'copy_page_range'].indexOf(s)];
    expect(byName('copy_page_range')).toBe(2 * (c.copyPteCycles + sys.miss + 10));
    // page_add_rmap: bit lock (40) + one node line (L2 hit while tiny) + one slot write, twice.
    expect(sys.tally.total()).toBe(
      c.forkFixedCycles +
        2 * (c.copyPteCycles + sys.miss + 10) +
        c.ptePageAllocCycles +
        4096 * 0.5 +
        2 * (40 + c.lineHitCycles + c.slotCompareCycles) +
        2 * c.slabAllocCycles,
    );
  });
});
