// Validation of arch profiles: every problem at once, each with its dot path.
import { type ArchProfile, ArchProfileSchema } from './schema.js';

export interface ArchProblem {
  path: string;
  message: string;
}

export class ArchValidationError extends Error {
  override name = 'ArchValidationError';
  constructor(
    readonly archName: string,
    readonly problems: ArchProblem[],
  ) {
    super(`arch ${archName}: ${problems.map((p) => `${p.path || '(root)'}: ${p.message}`).join('; ')}`);
  }
}

/** Dot paths of every number in a value (the fields that need a source). */
export function numericPaths(value: unknown, prefix = ''): string[] {
  if (typeof value === 'number') return [prefix];
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return [];
  return Object.entries(value).flatMap(([k, v]) =>
    k === 'sources' && !prefix ? [] : numericPaths(v, prefix ? `${prefix}.${k}` : k),
  );
}

/** Checks a candidate profile; returns every problem (empty = valid). */
export function checkArch(candidate: unknown): ArchProblem[] {
  const r = ArchProfileSchema.safeParse(candidate);
  const problems: ArchProblem[] = r.success
    ? []
    : r.error.issues.map((i) => ({ path: i.path.map(String).join('.'), message: describe(i) }));
  if (candidate && typeof candidate === 'object' && !Array.isArray(candidate)) {
    const c = candidate as Record<string, unknown>;
    const sources = (c.sources && typeof c.sources === 'object' ? c.sources : {}) as Record<string, unknown>;
    for (const path of numericPaths(c)) {
      if (typeof sources[path] !== 'string' || !(sources[path] as string).trim()) {
        problems.push({ path: `sources.${path}`, message: `missing: every number needs its source (${path})` });
      }
    }
    if (r.success) problems.push(...semanticProblems(r.data));
  }
  return problems;
}

function describe(i: { message: string; code: string; expected?: unknown }): string {
  if (i.code === 'invalid_type' && /received undefined$/.test(i.message))
    return `required (expected ${String(i.expected)})`;
  return i.message;
}

function semanticProblems(a: ArchProfile): ArchProblem[] {
  const out: ArchProblem[] = [];
  if (a.defaultCpus > a.maxCpus)
    out.push({ path: 'defaultCpus', message: `${a.defaultCpus} exceeds maxCpus ${a.maxCpus}` });
  if (a.highmem && a.wordBits === 64) out.push({ path: 'highmem', message: '64-bit arches have no highmem: use null' });
  const mem = a.memory;
  if (mem) {
    if (mem.l2Bytes <= mem.l1Bytes) out.push({ path: 'memory.l2Bytes', message: 'must exceed memory.l1Bytes' });
    if (mem.l3Bytes > 0 && mem.l3Bytes <= mem.l2Bytes)
      out.push({ path: 'memory.l3Bytes', message: 'must exceed memory.l2Bytes (or be 0: no L3)' });
    const lat = [mem.l1LatencyCycles, mem.l2LatencyCycles, ...(mem.l3Bytes > 0 ? [mem.l3LatencyCycles] : [])];
    if (lat.some((x, i) => i > 0 && x < lat[i - 1]!) || mem.dramLatencyCycles < lat[lat.length - 1]!)
      out.push({ path: 'memory', message: 'latencies must not decrease from L1 to DRAM' });
  }
  if (a.tlb.globalFlush === 'broadcast' && a.costs.broadcastFlushCycles === 0) {
    out.push({ path: 'costs.broadcastFlushCycles', message: "must be > 0 when tlb.globalFlush is 'broadcast'" });
  }
  return out;
}

/** Validates and returns the profile, or throws ArchValidationError listing every problem. */
export function validateArch(candidate: unknown): ArchProfile {
  const problems = checkArch(candidate);
  if (problems.length > 0) {
    const name =
      candidate && typeof candidate === 'object' && typeof (candidate as { name?: unknown }).name === 'string'
        ? (candidate as { name: string }).name
        : '(unnamed)';
    throw new ArchValidationError(name, problems);
  }
  return candidate as ArchProfile;
}

/** Identity helper for plugin authors: type inference plus validation at definition time. */
export function defineArch<T extends ArchProfile>(profile: T): T {
  validateArch(profile);
  return profile;
}
