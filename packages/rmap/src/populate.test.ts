import { createHash } from 'node:crypto';
import { i386Numaq, i386P4, i386Piii } from '@kmemsim/arch-i386';
import type { ArchProfile } from '@kmemsim/mmu';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ALLOC_KINDS, LOCK_KINDS } from './eras.js';
import { type RmapConfig, RmapSystem } from './rmap.js';
import { Layout, type Vma } from './space.js';

/**
 * Every field reachable from the system (page tables, pages, mem_map, frames, chains, allocator, locks, the cache
 * model's state), path by path, typed arrays hashed; the tally (and its alias `cycles`) alone is left out (the bulk
 * set-up charges nothing).
 */
function snapshot(root: object): string[] {
  const seen = new Map<object, number>();
  const out: string[] = [];
  const walk = (x: unknown, path: string): void => {
    if (typeof x === 'function') return;
    if (x === null || typeof x !== 'object') {
      out.push(`${path}=${String(x)}`);
      return;
    }
    const id = seen.get(x);
    if (id !== undefined) {
      out.push(`${path}->#${id}`);
      return;
    }
    seen.set(x, seen.size);
    if (ArrayBuffer.isView(x)) {
      const b = new Uint8Array(x.buffer, x.byteOffset, x.byteLength);
      out.push(`${path}=${x.constructor.name}(${x.byteLength}):${createHash('sha256').update(b).digest('hex')}`);
      return;
    }
    if (x instanceof Map) {
      for (const [k, v] of x) walk(v, `${path}{${String(k)}}`);
      return;
    }
    for (const k of Object.keys(x)) {
      const p = `${path}.${k}`;
      if (p !== 'sys.tally' && p !== 'sys.cycles') walk((x as Record<string, unknown>)[k], p);
    }
  };
  walk(root, 'sys');
  return out;
}

type Step =
  | { op: 'new'; from: number; to: number; cpu: number }
  | { op: 'populate'; who: number; from: number; to: number; cpu: number }
  | { op: 'forkExit'; who: number; cpu: number }
  | { op: 'exit'; who: number; cpu: number };

const ARCHES: [ArchProfile, number][] = [
  [i386Piii, 2],
  [i386P4, 2],
  [i386Numaq, 16],
];

/** Runs the steps on a fresh system, populating with `bulk` or with the per-page faults; returns its snapshot. */
function run(cfg: RmapConfig, archIdx: number, vmas: Vma[], files: number[], steps: Step[], bulk: boolean): string[] {
  const [arch, cpus] = ARCHES[archIdx] as [ArchProfile, number];
  const layout = new Layout(vmas);
  const sys = new RmapSystem({ arch, cpus, config: cfg, maxVpns: layout.vpns });
  for (const n of files) sys.space.addFile(n);
  const mms: number[] = [];
  const fill = (mm: number, from: number, to: number, cpu: number) => {
    sys.cpu = cpu;
    sys.tracking = false;
    if (bulk) sys.populateUntracked(mm, from, to);
    else sys.populate(mm, from, to);
    sys.tracking = true;
  };
  for (const s of steps) {
    if (s.op === 'new') {
      mms.push(sys.space.newMm(layout));
      fill(mms[mms.length - 1] as number, s.from, s.to, s.cpu % cpus);
      continue;
    }
    if (mms.length === 0) continue;
    const i = s.who % mms.length;
    const mm = mms[i] as number;
    sys.cpu = s.cpu % cpus;
    if (s.op === 'populate') fill(mm, s.from, s.to, s.cpu % cpus);
    else if (s.op === 'forkExit') {
      // Tracked fork and exit of a child: frees chain nodes, pages and frames that a later set-up reuses.
      const child = sys.forkMm(mm);
      sys.forkRange(mm, child, 0, layout.vpns);
      sys.exitRange(child, 0, layout.vpns);
      sys.exitMm(child);
    } else {
      sys.exitRange(mm, 0, layout.vpns);
      sys.exitMm(mm);
      mms.splice(i, 1);
    }
  }
  return snapshot(sys);
}

/** A plain 2.5 pte_chain system: the fixed cases below. */
const PTE_CHAIN: RmapConfig = {
  kind: 'pte_chain',
  direct: false,
  lock: 'bit',
  batch: false,
  alloc: 'slab',
  kernel: '2.5',
  pae: false,
  highpte: false,
};

const config: fc.Arbitrary<RmapConfig> = fc.record({
  kind: fc.constantFrom('none' as const, 'pte_chain' as const, 'multi' as const, 'objrmap' as const),
  direct: fc.boolean(),
  lock: fc.constantFrom(...LOCK_KINDS),
  batch: fc.boolean(),
  alloc: fc.constantFrom(...ALLOC_KINDS),
  kernel: fc.constantFrom('2.4' as const, '2.5' as const),
  pae: fc.boolean(),
  highpte: fc.boolean(),
});

/** A layout of 1–4 vmas (anonymous or windows of 2 files), without holes, up to ~3 PTE pages. */
const layoutArb = fc
  .array(fc.record({ len: fc.integer({ min: 1, max: 1500 }), file: fc.integer({ min: -1, max: 1 }) }), {
    minLength: 1,
    maxLength: 4,
  })
  .map((segs) => {
    let start = 0;
    const vmas: Vma[] = segs.map((s) => {
      const v = { start, end: start + s.len, file: s.file, pgoff: s.file < 0 ? 0 : start, cow: s.file < 0 };
      start += s.len;
      return v;
    });
    return { vmas, files: [start, start] };
  });

function stepsFor(vpns: number): fc.Arbitrary<Step[]> {
  const range = fc.tuple(fc.nat(vpns), fc.nat(vpns)).map(([a, b]) => [Math.min(a, b), Math.max(a, b)] as const);
  const cpu = fc.nat(15);
  const who = fc.nat(7);
  return fc.array(
    fc.oneof(
      fc.record({ op: fc.constant('new' as const), r: range, cpu }).map((s) => ({
        op: s.op,
        from: s.r[0],
        to: s.r[1],
        cpu: s.cpu,
      })),
      fc.record({ op: fc.constant('populate' as const), who, r: range, cpu }).map((s) => ({
        op: s.op,
        who: s.who,
        from: s.r[0],
        to: s.r[1],
        cpu: s.cpu,
      })),
      fc.record({ op: fc.constant('forkExit' as const), who, cpu }),
      fc.record({ op: fc.constant('exit' as const), who, cpu }),
    ),
    { minLength: 1, maxLength: 6 },
  );
}

describe('populateUntracked: the bulk set-up leaves exactly the state of per-page faults', () => {
  it('every field of the system equal, for random designs, layouts, machines and step sequences', () => {
    fc.assert(
      fc.property(
        config,
        fc.nat(ARCHES.length - 1),
        layoutArb.chain((l) => stepsFor(l.vmas[l.vmas.length - 1]?.end ?? 1).map((steps) => ({ ...l, steps }))),
        (cfg, archIdx, { vmas, files, steps }) => {
          const a = run(cfg, archIdx, vmas, files, steps, false);
          const b = run(cfg, archIdx, vmas, files, steps, true);
          expect(b).toEqual(a);
        },
      ),
      { numRuns: 120, seed: 12 },
    );
  });

  it('the snapshot sees a difference (one chain insert more) — the comparison can fail', () => {
    const cfg = PTE_CHAIN;
    const vmas: Vma[] = [{ start: 0, end: 100, file: -1, pgoff: 0, cow: true }];
    const a = run(cfg, 0, vmas, [], [{ op: 'new', from: 0, to: 50, cpu: 0 }], true);
    const b = run(cfg, 0, vmas, [], [{ op: 'new', from: 0, to: 51, cpu: 0 }], true);
    expect(b).not.toEqual(a);
  });

  it('refuses to run while tracking (it charges no costs)', () => {
    const vmas: Vma[] = [{ start: 0, end: 10, file: -1, pgoff: 0, cow: true }];
    const sys = new RmapSystem({
      arch: i386Piii,
      cpus: 2,
      config: PTE_CHAIN,
      maxVpns: 10,
    });
    const mm = sys.space.newMm(new Layout(vmas));
    expect(() => sys.populateUntracked(mm, 0, 10)).toThrow(/untracked set-up/);
  });
});
