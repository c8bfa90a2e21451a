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
  if (a.tlb.globalFlush === 'broadcast' && a.costs.broadcastFlushCycles === 0) {
    out.push({ path: 'costs.broadcastFlushCycles', message: "must be > 0 when tlb.globalFlush is 'broadcast'" });
  }
  out.push(...cacheProblems(a));
  return out;
}

/** Cache geometry the LRU-set model can run: sets = size / (ways × line) a power of two, sectors of whole lines. */
function cacheProblems(a: ArchProfile): ArchProblem[] {
  const out: ArchProblem[] = [];
  const c = a.cache;
  if (c) {
    for (const name of ['l1d', 'l2', 'l3'] as const) {
      const l = c[name];
      if (!l) continue;
      const sets = l.sizeBytes / (l.ways * l.lineBytes);
      if (!Number.isInteger(sets) || sets < 1 || !Number.isInteger(Math.log2(sets))) {
        out.push({
          path: `cache.${name}.sizeBytes`,
          message: `${l.sizeBytes} bytes / (${l.ways} ways × ${l.lineBytes}-byte lines) = ${+sets.toFixed(3)} sets: must be a power of two`,
        });
      }
      if (l.sectorBytes !== undefined && l.sectorBytes < l.lineBytes) {
        out.push({ path: `cache.${name}.sectorBytes`, message: `${l.sectorBytes} is below lineBytes ${l.lineBytes}` });
      }
    }
    if (c.l2.sizeBytes < c.l1d.sizeBytes) {
      out.push({ path: 'cache.l2.sizeBytes', message: `${c.l2.sizeBytes} is below cache.l1d.sizeBytes` });
    }
  }
  const n = a.numa;
  if (n && n.nodes * n.cpusPerNode < a.maxCpus) {
    out.push({
      path: 'numa.cpusPerNode',
      message: `numa.nodes × cpusPerNode = ${n.nodes * n.cpusPerNode} is below maxCpus ${a.maxCpus}`,
    });
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
