// The unsourced values ("[U lo..hi]", docs/fidelity.md) a vmalloc workload reads, each with how to set it for one
// point of a sensitivity sweep: the mechanism's costs (MECHANISM), the cache levels of list walks on an arch with
// no `cache` section (FALLBACK_MEMORY), the workload's own values (BENCH, TEST_VMALLOC, XFS) and the arch's ranged
// costs, TLB, IPI, cache and NUMA values and those of its virtualization mode, and the scheduler record of a design
// that has one (6.9's EEVDF). Every value reaches the runs as an option (a copied arch, `params`, `costs`, a copied
// scheduler record in `params.scheduler`, …): nothing module-wide is changed.
import { type SchedNumber, type SchedRecord, uncertainRange, valueAt, withValueAt } from '@kmemsim/core';
import type { ArchProfile } from '@kmemsim/mmu';
import { resolveDesign } from './designs/registry.js';
import { FALLBACK_MEMORY } from './mechanism/memory.js';
import { MECHANISM, type MechanismParams } from './mechanism/params.js';
import { TEST_VMALLOC, type TestVmallocCosts } from './workloads/test-cases.js';
import { BENCH } from './workloads/vmap-bench.js';
import { XFS, type XfsCosts } from './workloads/xfs-dir.js';

/** The values one point of a sweep runs with (each a run option of the workloads). */
export interface SweepValues {
  /** The machine's arch profile. */
  arch: ArchProfile;
  /** Mechanism overrides (the caller's, plus a moved MECHANISM or FALLBACK_MEMORY value). */
  params: Partial<MechanismParams>;
  /** vmap-bench's bytes written per mapped page. */
  touchBytesPerPage?: number;
  /** test_vmalloc's own costs. */
  testCosts?: Partial<TestVmallocCosts>;
  /** XFS's per-operation costs. */
  xfsCosts?: Partial<XfsCosts>;
  /** XFS directory block size. */
  dirBlockBytes?: number;
  /** XFS directory blocks per operation. */
  buffersPerOp?: number;
  /** CONFIG_NR_CPUS (XFS.nrCpusSn2 moved). */
  nrCpus?: number;
}

/** One [U lo..hi] value and how to set it. */
export interface Knob {
  /** The value's name as its sources map keys it: `MECHANISM.walkStepCycles`, `arch.costs.tlbMissCycles`, … */
  parameter: string;
  /** Its value in the run. */
  value: number;
  /** Low end of its range. */
  lo: number;
  /** High end of its range. */
  hi: number;
  /** The sweep values with this one set to `v`. */
  at(v: number): SweepValues;
}

/** What decides which values a workload reads. */
export interface KnobConfig {
  /** The workload. */
  workload: 'vmap-bench' | 'test-vmalloc' | 'xfs-dir';
  /** The run's values (the caller's overrides included). */
  base: SweepValues;
  /** The virtualization mode: its `virt.<mode>.*` values are read. */
  virt: string;
  /** The machine's CPUs (CONFIG_NR_CPUS is at least this many). */
  cpus: number;
  /** The designs the runs compare (`impl` names): the scheduler record of those that have one is read. */
  impls?: readonly string[];
  /** Values the caller set explicitly (not the [U] guesses): `touchBytesPerPage`, `dirBlockBytes`, `buffersPerOp`,
   * `nrCpus`. */
  given?: ReadonlySet<string>;
}

// Arch sections the Machine reads for a vmalloc run (highmem.* is kmap's only).
const ARCH_SECTIONS = ['costs.', 'tlb.', 'ipi.', 'cache.', 'numa.'];

function ranged(sources: Record<string, string>, key: string): { lo: number; hi: number } | null {
  const s = sources[key];
  return s === undefined ? null : uncertainRange(s);
}

/**
 * The ranged values of a workload's cost table (`TEST_VMALLOC`, `XFS`) the caller did not set in `given`; each
 * moved through `set`, which merges one cost into the run's overrides.
 */
function costKnobs<K extends string>(
  table: string,
  values: Record<K, number> & { sources: Record<string, string> },
  keys: readonly K[],
  given: Partial<Record<K, number>> | undefined,
  set: (cost: Partial<Record<K, number>>) => SweepValues,
): Knob[] {
  const out: Knob[] = [];
  for (const key of keys) {
    const r = ranged(values.sources, key);
    if (!r || given?.[key] !== undefined) continue;
    out.push({
      parameter: `${table}.${key}`,
      value: values[key],
      ...r,
      at: (v) => set({ [key]: v } as Partial<Record<K, number>>),
    });
  }
  return out;
}

/** The [U lo..hi] values a run of `c.workload` reads, each with its setter. */
export function vmallocKnobs(c: KnobConfig): Knob[] {
  const b = c.base;
  const given = c.given ?? new Set<string>();
  const out: Knob[] = [];
  for (const [path, source] of Object.entries(b.arch.sources)) {
    const inMode = c.virt !== 'none' && path.startsWith(`virt.${c.virt}.`);
    if (!inMode && !ARCH_SECTIONS.some((s) => path.startsWith(s))) continue;
    const r = uncertainRange(source);
    const value = valueAt(b.arch, path);
    if (!r || typeof value !== 'number') continue;
    out.push({ parameter: `arch.${path}`, value, ...r, at: (v) => ({ ...b, arch: withValueAt(b.arch, path, v) }) });
  }
  const { sources: ms, ...mechanism } = MECHANISM;
  for (const key of Object.keys(ms) as (keyof typeof mechanism)[]) {
    const r = ranged(ms, key);
    if (!r || b.params[key] !== undefined) continue;
    const value = mechanism[key];
    out.push({ parameter: `MECHANISM.${key}`, value, ...r, at: (v) => ({ ...b, params: { ...b.params, [key]: v } }) });
  }
  if (b.arch.cache === undefined) {
    const { sources: fs, ...levels } = FALLBACK_MEMORY;
    const base = b.params.fallbackMemory ?? levels;
    for (const key of Object.keys(levels) as (keyof typeof levels)[]) {
      const r = ranged(fs, key);
      if (!r) continue;
      out.push({
        parameter: `FALLBACK_MEMORY.${key}`,
        value: base[key],
        ...r,
        at: (v) => ({ ...b, params: { ...b.params, fallbackMemory: { ...base, [key]: v } } }),
      });
    }
  }
  if (c.workload === 'vmap-bench') {
    const r = ranged(BENCH.sources, 'touchBytesPerPage');
    const value = b.touchBytesPerPage ?? BENCH.touchBytesPerPage;
    if (r && !given.has('touchBytesPerPage'))
      out.push({ parameter: 'BENCH.touchBytesPerPage', value, ...r, at: (v) => ({ ...b, touchBytesPerPage: v }) });
  }
  if (c.workload === 'test-vmalloc') {
    const keys = ['allocPageCycles', 'freePageCycles', 'pcpuUnitPages', 'pcpuAllocCycles', 'pcpuFreeCycles'] as const;
    out.push(
      ...costKnobs('TEST_VMALLOC', TEST_VMALLOC, keys, b.testCosts, (costs) => ({
        ...b,
        testCosts: { ...b.testCosts, ...costs },
      })),
    );
  }
  if (c.workload === 'xfs-dir') out.push(...xfsKnobs(b, given, c.cpus));
  out.push(...schedKnobs(b, c.impls ?? []));
  return out;
}

/**
 * The [U] values of the scheduler record the designs run with (Purger: `params.scheduler`, else the design's own).
 * `params.scheduler` replaces the record of every design that has one, so one record is read per run; today only
 * 6.9 has one. Designs without a scheduler queue no work and never read it.
 */
function schedKnobs(b: SweepValues, impls: readonly string[]): Knob[] {
  const own = impls.map((i) => resolveDesign(i).scheduler).find((s): s is SchedRecord => s !== null);
  if (own === undefined) return [];
  const rec = b.params.scheduler ?? own;
  const out: Knob[] = [];
  for (const [key, source] of Object.entries(rec.sources) as [SchedNumber, string][]) {
    const r = uncertainRange(source);
    if (!r) continue;
    out.push({
      parameter: `sched.${rec.name}.${key}`,
      value: rec[key],
      ...r,
      at: (v) => ({ ...b, params: { ...b.params, scheduler: { ...rec, [key]: v } } }),
    });
  }
  return out;
}

function xfsKnobs(b: SweepValues, given: ReadonlySet<string>, cpus: number): Knob[] {
  const out: Knob[] = [];
  for (const key of ['dirBlockBytes', 'buffersPerOp'] as const) {
    const r = ranged(XFS.sources, key);
    if (!r || given.has(key)) continue;
    out.push({ parameter: `XFS.${key}`, value: b[key] ?? XFS[key], ...r, at: (v) => ({ ...b, [key]: v }) });
  }
  const costs = ['pageLookupCycles', 'bufCycles', 'blockSearchCycles', 'opCycles', 'asEntryCycles'] as const;
  out.push(...costKnobs('XFS', XFS, costs, b.xfsCosts, (c) => ({ ...b, xfsCosts: { ...b.xfsCosts, ...c } })));
  // CONFIG_NR_CPUS of the sn2 kernels sizes the vmap blocks (vmap_block_bits); the run uses max(it, CPUs).
  const r = ranged(XFS.sources, 'nrCpusSn2');
  if (r && b.arch.name === 'ia64-sn2' && !given.has('nrCpus')) {
    out.push({
      parameter: 'XFS.nrCpusSn2',
      value: XFS.nrCpusSn2,
      ...r,
      at: (v) => ({ ...b, nrCpus: Math.max(v, cpus) }),
    });
  }
  return out;
}
