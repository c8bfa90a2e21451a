import { i386Piii } from '@kmemsim/arch-i386';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkRmap } from './check.js';
import { reclaimPages } from './reclaim.js';
import { type RmapConfig, RmapSystem } from './rmap.js';
import { Layout } from './space.js';
import { S } from './tally.js';

const VPNS = 6;
const ANON = 3;

type Step =
  | { op: 'map'; who: number; vpn: number }
  | { op: 'unmap'; who: number; vpn: number }
  | { op: 'cow'; who: number; vpn: number }
  | { op: 'fork'; who: number }
  | { op: 'exit'; who: number }
  | { op: 'reclaim'; who: number; vpn: number };

const who = fc.nat(7);
const vpn = fc.nat(VPNS - 1);
const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ op: fc.constant('map' as const), who, vpn }),
  fc.record({ op: fc.constant('unmap' as const), who, vpn }),
  fc.record({ op: fc.constant('cow' as const), who, vpn: fc.nat(ANON - 1) }),
  fc.record({ op: fc.constant('fork' as const), who }),
  fc.record({ op: fc.constant('exit' as const), who }),
  fc.record({ op: fc.constant('reclaim' as const), who, vpn }),
);

const BASE: RmapConfig = {
  kind: 'none',
  direct: false,
  lock: 'bit',
  batch: false,
  alloc: 'slab',
  kernel: '2.5',
  pae: false,
  highpte: false,
};

function system(cfg: Partial<RmapConfig>, cpus = 3, exact = false): { sys: RmapSystem; layout: Layout } {
  const config: RmapConfig = { ...BASE, ...cfg };
  // Multi-pointer nodes of 3 slots (a 16-byte line) so chains of several nodes appear with few processes; small
  // caches (the invariants do not depend on their size) keep each of the thousands of systems cheap to build.
  const small = cpus > 1 && !exact;
  const cache = small
    ? {
        ...i386Piii.cache,
        l1d: { ...i386Piii.cache.l1d, sizeBytes: 256 },
        l2: { ...i386Piii.cache.l2, sizeBytes: 1024 },
      }
    : i386Piii.cache;
  const arch = { ...i386Piii, cache, cacheLineBytes: config.kind === 'multi' ? 16 : 32 };
  const sys = new RmapSystem({ arch, cpus, config, maxVpns: VPNS });
  const file = sys.space.addFile(VPNS - ANON);
  const layout = new Layout([
    { start: 0, end: ANON, file: -1, pgoff: 0, cow: true },
    { start: ANON, end: VPNS, file, pgoff: 0, cow: false },
  ]);
  return { sys, layout };
}

/** Applies one step; `mms` holds the live processes (at least one stays alive). */
function apply(sys: RmapSystem, mms: number[], s: Step, cpu: number): void {
  sys.cpu = cpu;
  const mm = mms[s.who % mms.length] as number;
  if (s.op === 'map') sys.faultIn(mm, s.vpn);
  else if (s.op === 'unmap') sys.unmapPage(mm, s.vpn);
  else if (s.op === 'cow') sys.cowFault(mm, s.vpn);
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
    const e = (sys.space.ptes[mm] as Int32Array)[s.vpn] as number;
    if (e !== 0) reclaimPages(sys, [e - 1]);
  }
}

const CONFIGS: Partial<RmapConfig>[] = [
  { kind: 'none' },
  { kind: 'objrmap' },
  { kind: 'pte_chain', alloc: 'freelist', kernel: '2.4' },
  { kind: 'pte_chain', direct: true, lock: 'hashed' },
  { kind: 'pte_chain', lock: 'hashed-akpm', batch: true, alloc: 'freelist' },
  { kind: 'multi' },
  { kind: 'multi', direct: true, alloc: 'percpu' },
  { kind: 'multi', direct: true, lock: 'hashed', batch: true, alloc: 'percpu' },
  { kind: 'pte_chain', batch: true, highpte: true, pae: true },
];

describe('invariants over random map / unmap / cow / fork / exit / reclaim sequences', () => {
  // 9 configurations × 1,112 sequences = 10,008 sequences.
  for (const cfg of CONFIGS) {
    it(`${JSON.stringify(cfg)}: one rmap entry per present PTE, chain discipline, mapcounts, locks`, () => {
      fc.assert(
        fc.property(fc.array(step, { minLength: 1, maxLength: 24 }), (steps) => {
          const { sys, layout } = system(cfg);
          const mms = [sys.space.newMm(layout)];
          steps.forEach((s, i) => {
            apply(sys, mms, s, i % 3);
            const bad = checkRmap(sys);
            if (bad.length > 0) throw new Error(`after step ${i} ${JSON.stringify(s)}: ${bad.slice(0, 3).join('; ')}`);
          });
          // Tear down: every chain node goes back to its allocator.
          for (const mm of mms.splice(0)) {
            sys.exitRange(mm, 0, VPNS);
            sys.exitMm(mm);
          }
          expect(checkRmap(sys)).toEqual([]);
          if (sys.chains) expect(sys.chains.nodesInUse).toBe(0);
        }),
        { numRuns: 1112, seed: 42 },
      );
    }, 120_000);
  }

  it('the checker catches a PTE without its rmap entry', () => {
    const { sys, layout } = system({ kind: 'pte_chain' });
    const mm = sys.space.newMm(layout);
    sys.faultIn(mm, 0);
    (sys.space.ptes[mm] as Int32Array)[1] = 1; // a PTE written behind the rmap's back
    sys.space.present[mm]++;
    expect(checkRmap(sys).join('\n')).toMatch(/without rmap entry|mapcount/);
  });

  it('exit returns every page-table frame', () => {
    const { sys, layout } = system({ kind: 'multi', direct: true });
    const before = sys.mem.framesInUse;
    const p = sys.space.newMm(layout);
    sys.populate(p, 0, VPNS);
    const c = sys.forkMm(p);
    sys.forkRange(p, c, 0, VPNS);
    for (const mm of [c, p]) {
      sys.exitRange(mm, 0, VPNS);
      sys.exitMm(mm);
    }
    // Chain objects stay in their slab pages; the parent's and the child's PTE pages are back.
    expect(sys.mem.framesInUse - before).toBe(sys.alloc?.pageBytesInUse ? sys.alloc.pageBytesInUse / 4096 : 0);
    expect(sys.space.tables.every((t) => t === null)).toBe(true);
  });
});

describe('costed paths on a cold dual PIII (exact cycles)', () => {
  // i386-piii: L1 hit 3, memory 150, LOCKed op +20; 32-byte lines; 2.5 struct page (flags/count line, pte at +32).
  function oneAnonPage(cfg: Partial<RmapConfig>) {
    const { sys, layout } = system(cfg, 1, true);
    const p = sys.space.newMm(layout);
    sys.tracking = false;
    sys.faultIn(p, 0);
    sys.tracking = true;
    sys.tally.clear();
    const child = sys.forkMm(p);
    sys.forkRange(p, child, 0, 1);
    return { sys, child };
  }
  const cyc = (sys: RmapSystem, sym: keyof typeof S) => sys.tally.cycles[S[sym]];

  it('no rmap: copy_page_range reads the PTE and struct page from memory, the locked ops hit L1', () => {
    const { sys, child } = oneAnonPage({ kind: 'none' });
    // rd src PTE 150 + wrprotect 3+20 + rd flags 150 + get_page 3+20 + set_pte 3 + loop body 20.
    expect(cyc(sys, 'copy_page_range')).toBe(369);
    expect(cyc(sys, 'pte_alloc_one')).toBe(500 + 4096); // __get_free_page + clear_page at 1 byte/cycle
    expect(cyc(sys, 'do_fork')).toBe(30_000);
    sys.tally.clear();
    sys.exitRange(child, 0, 1);
    // xchg on the PTE 3+20, rd flags 3, put_page 3+20, loop body 20.
    expect(cyc(sys, 'zap_pte_range')).toBe(69);
  });

  it('pte_chain, bit lock, freelist: page_add_rmap and a freelist pop', () => {
    const { sys } = oneAnonPage({ kind: 'pte_chain', alloc: 'freelist' });
    // body 15 + lock 3+20 + rd page->pte (second line) 150 + node next 3 + slot 3 + page->pte 3 + unlock 3+20.
    expect(cyc(sys, 'page_add_rmap')).toBe(220);
    // The parent's fault refilled the freelist (not followed): lock 150+20, node->next 150, unlock store 3, body 6.
    expect(cyc(sys, 'pte_chain_alloc')).toBe(329);
    expect(cyc(sys, 'copy_page_range')).toBe(369);
  });
});
