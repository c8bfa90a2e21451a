// The arch conformance kit: checks any profile against the contract and the machine's basic promises. Pure
// (returns findings), so vitest, a CLI or a plugin's own CI can all use it; testing.ts wraps it for vitest.
import type { Op, Thread } from '@kmemsim/core';
import { Machine } from './machine.js';
import { type ArchProfile, VIRT_MODES, type VirtModeName } from './schema.js';
import { checkArch, formatProblems } from './validate.js';

/** One check of the arch conformance kit: a name and a function returning a problem, or null when it holds. */
export interface ConformanceCheck {
  /** What the check verifies, one line ("IPI costs grow with the number of targets"). */
  name: string;
  /** Runs the check on a valid profile: null when it holds, else the problem in one line. */
  run(profile: ArchProfile): string | null;
}

function virtModesOf(a: ArchProfile): VirtModeName[] {
  return VIRT_MODES.filter((v) => v === 'none' || a.virt[v as Exclude<VirtModeName, 'none'>] !== undefined);
}

/** Two CPUs: CPU 1 caches a page, CPU 0 remaps it; CPU 1 touches it again. Returns the stale count. */
function staleAfterRemap(a: ArchProfile, virt: VirtModeName, flush: boolean): number {
  const m = new Machine({ arch: a, virt, cpus: 2 });
  const e = m.engine;
  let phase = 0;
  e.spawn(1, 'reader', function* (t: Thread): Generator<Op | undefined, void, void> {
    m.setPte(t, 100, 7, 'setup');
    m.touch(t, 100, 'reader');
    phase = 1;
    while (phase < 2) {
      t.spend('reader_wait', 10_000);
      yield undefined;
    }
    m.touch(t, 100, 'reader');
  });
  e.spawn(0, 'writer', function* (t: Thread): Generator<Op | undefined, void, void> {
    while (phase < 1) {
      t.spend('writer_wait', 1_000);
      yield undefined;
    }
    m.clearPte(t, 100, 'writer');
    m.setPte(t, 100, 8, 'writer');
    if (flush) yield* m.flushAll(t);
    phase = 2;
  });
  e.run();
  return m.tlb.staleCount;
}

/** Every check of the arch conformance kit, the schema check first (see `runConformance` and `testArch`). */
export const CONFORMANCE_CHECKS: ConformanceCheck[] = [
  {
    name: 'profile satisfies the schema and every number has a source',
    run: (a) => {
      const p = checkArch(a);
      return p.length ? `${p.length} problem(s): ${formatProblems(p)}` : null;
    },
  },
  {
    name: 'a machine assembles with the default CPU count in every virt mode it offers',
    run: (a) => {
      for (const v of virtModesOf(a)) {
        const m = new Machine({ arch: a, virt: v });
        if (m.cpus !== a.defaultCpus) return `virt ${v}: ${m.cpus} CPUs`;
        if (!(m.cost.invlpgCycles >= a.costs.invlpgCycles)) return `virt ${v}: virtualization made invlpg cheaper`;
      }
      return null;
    },
  },
  {
    name: 'a global flush reaches every CPU: the stale detector stays silent with it and fires without it',
    run: (a) => {
      for (const v of virtModesOf(a)) {
        const withFlush = staleAfterRemap(a, v, true);
        if (withFlush !== 0) return `virt ${v}: ${withFlush} stale accesses after a global flush`;
        const without = staleAfterRemap(a, v, false);
        if (without === 0) return `virt ${v}: a missing flush went undetected`;
      }
      return null;
    },
  },
  {
    name: 'a global flush costs the sender time and is counted; IPI arches interrupt the other CPUs',
    run: (a) => {
      const cpus = Math.min(4, a.maxCpus);
      const m = new Machine({ arch: a, cpus });
      let cost = 0;
      m.engine.spawn(0, 'flusher', function* (t: Thread) {
        const before = t.clock;
        yield* m.flushAll(t);
        cost = t.clock - before;
      });
      m.engine.run();
      if (!(cost > 0)) return 'flushAll took no time';
      if (m.engine.counters.get('tlb_flush_global') !== 1) return 'tlb_flush_global not counted';
      const ipis = m.engine.counters.get('ipi');
      if (a.tlb.globalFlush === 'ipi' && cpus > 1 && ipis !== cpus - 1) return `expected ${cpus - 1} IPIs, saw ${ipis}`;
      if (a.tlb.globalFlush === 'broadcast' && ipis !== 0) return `hardware broadcast sent ${ipis} IPIs`;
      return null;
    },
  },
  {
    name: 'highmem geometry is consistent',
    run: (a) => {
      const h = a.highmem;
      if (!h) return null;
      if (a.wordBits !== 32) return 'highmem on a 64-bit arch';
      const pkmapBytes = h.pkmapEntries * a.pageBytes;
      if (pkmapBytes > a.vmallocBytes) return `pkmap window (${pkmapBytes} B) larger than the vmalloc space`;
      if (h.pkmapEntriesPae > h.pkmapEntries) return 'PAE cannot have more pkmap entries (PTEs are twice as large)';
      return null;
    },
  },
];

/** The outcome of one conformance check on a profile. */
export interface ConformanceFinding {
  /** The check's name. */
  check: string;
  /** Null when the check passed; otherwise why it failed. */
  problem: string | null;
}

/**
 * Runs every check. An invalid profile fails all of them: the first names its problems, the others say they
 * cannot vouch for a profile that does not satisfy the contract (a run on it would silently use other values).
 */
export function runConformance(profile: ArchProfile): ConformanceFinding[] {
  const [schemaCheck, ...rest] = CONFORMANCE_CHECKS;
  const invalid = schemaCheck.run(profile);
  if (invalid !== null) {
    return [
      { check: schemaCheck.name, problem: invalid },
      ...rest.map((c) => ({ check: c.name, problem: 'not run: the profile does not satisfy the schema (see above)' })),
    ];
  }
  return CONFORMANCE_CHECKS.map((c) => {
    try {
      return { check: c.name, problem: c.run(profile) };
    } catch (err) {
      return { check: c.name, problem: `threw: ${(err as Error).message}` };
    }
  });
}
