// Validation of arch profiles: every problem at once, each with its dot path, what was given and what was expected.
// Strict: unknown fields (and virt modes, and sources naming no number) are errors with a did-you-mean.
import { type ArchProfile, ArchProfileSchema, VIRT_MODES } from './schema.js';
import { nearest, schemaPaths, unknownKeys } from './strict.js';

/** One problem of an arch profile: its dot path and what is wrong, with a did-you-mean when a name is close. */
export interface ArchProblem {
  /** Dot path of the field (`costs.tlbMissCycles`, `virt.kvm-shadow.exits.pteWrite`); empty for the whole profile. */
  path: string;
  /** What is wrong and what was expected (with a did-you-mean for an unknown field). */
  message: string;
}

/** Thrown by `defineArch` for an invalid profile; `problems` lists every issue with its dot path. */
export class ArchValidationError extends Error {
  override name = 'ArchValidationError';
  constructor(
    readonly archName: string,
    readonly problems: ArchProblem[],
  ) {
    super(`arch ${archName}: ${formatProblems(problems)}`);
  }
}

/** "path: message; path: message" — the one-line form the CLI and the conformance kit print. */
export function formatProblems(problems: ArchProblem[]): string {
  return problems.map((p) => `${p.path || '(root)'}: ${p.message}`).join('; ');
}

/** Dot paths of every number in a value (the fields that need a source). */
export function numericPaths(value: unknown, prefix = ''): string[] {
  if (typeof value === 'number') return [prefix];
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return [];
  return Object.entries(value).flatMap(([k, v]) =>
    k === 'sources' && !prefix ? [] : numericPaths(v, prefix ? `${prefix}.${k}` : k),
  );
}

const isPlain = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let v = root;
  for (const k of path) v = isPlain(v) ? v[k as string] : undefined;
  return v;
}

function shown(v: unknown): string {
  const s = JSON.stringify(v) ?? String(v);
  return s.length > 40 ? `${s.slice(0, 37)}…` : s;
}

interface Issue {
  message: string;
  code: string;
  path: PropertyKey[];
  expected?: unknown;
}

/** A source still reading "TODO…" (as `kmemsim arch init` writes them) is not a source. */
const isTodo = (s: string) => /^\s*TODO\b/i.test(s);

function describe(i: Issue, given: unknown): string {
  if (typeof given === 'number' && Number.isNaN(given)) return 'not filled in (TODO)';
  if (given === undefined) return `required (expected ${i.code === 'invalid_type' ? String(i.expected) : 'a value'})`;
  return `${i.message} (got ${shown(given)})`;
}

const VIRT_NAMES = VIRT_MODES.filter((m) => m !== 'none');
const blockName = (path: string) => (path === 'virt' ? `virt mode (one of ${VIRT_NAMES.join(', ')})` : 'field');

/** Checks a candidate profile; returns every problem (empty = valid). */
export function checkArch(candidate: unknown): ArchProblem[] {
  const r = ArchProfileSchema.safeParse(candidate);
  const problems: ArchProblem[] = r.success
    ? []
    : (r.error.issues as Issue[]).map((i) => ({
        path: i.path.map(String).join('.'),
        message: describe(i, valueAt(candidate, i.path)),
      }));
  if (!isPlain(candidate)) return problems;
  problems.push(...unknownKeys(ArchProfileSchema, candidate, blockName));
  problems.push(...sourceProblems(candidate));
  if (r.success) problems.push(...semanticProblems(r.data));
  return problems;
}

/** Every number needs a source; every source must name a number the profile sets. */
function sourceProblems(c: Record<string, unknown>): ArchProblem[] {
  const out: ArchProblem[] = [];
  const sources = isPlain(c.sources) ? c.sources : {};
  const numbers = numericPaths(c);
  for (const path of numbers) {
    const s = sources[path];
    if (typeof s !== 'string' || !s.trim())
      out.push({ path: `sources.${path}`, message: `missing: every number needs its source (${path})` });
    else if (isTodo(s)) out.push({ path: `sources.${path}`, message: `not filled in: ${JSON.stringify(s)}` });
  }
  const have = new Set(numbers);
  const declared = new Set(schemaPaths(ArchProfileSchema));
  for (const key of Object.keys(sources)) {
    if (have.has(key)) continue;
    const near = nearest(
      key,
      numbers.filter((n) => !(n in sources)),
    );
    const why = declared.has(key) ? 'the profile sets no number there' : 'no such field';
    out.push({
      path: `sources.${key}`,
      message: `source for ${key}, but ${why}${near ? `; did you mean ${near}?` : ''}`,
    });
  }
  return out;
}

function semanticProblems(a: ArchProfile): ArchProblem[] {
  const out: ArchProblem[] = [];
  if (a.defaultCpus > a.maxCpus)
    out.push({ path: 'defaultCpus', message: `${a.defaultCpus} exceeds maxCpus ${a.maxCpus}` });
  if (a.highmem && a.wordBits === 64) out.push({ path: 'highmem', message: '64-bit arches have no highmem: use null' });
  // struct page is a C struct of word-sized members (its first is `unsigned long flags`): whole words.
  const word = a.wordBits / 8;
  if (a.structPageBytes % word !== 0)
    out.push({
      path: 'structPageBytes',
      message: `${a.structPageBytes} is not a whole number of ${word}-byte words (wordBits ${a.wordBits})`,
    });
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
    const name = isPlain(candidate) && typeof candidate.name === 'string' ? candidate.name : '(unnamed)';
    throw new ArchValidationError(name, problems);
  }
  return candidate as ArchProfile;
}

/**
 * `T` with every key that `S` does not declare turned into `never`, at any depth: TypeScript then rejects a
 * misspelt field in a `defineArch({...})` literal (a generic parameter gets no excess-property check otherwise).
 */
export type Exact<T, S> = T extends readonly unknown[]
  ? T
  : T extends object
    ? S extends object
      ? { [K in keyof T]: K extends keyof S ? Exact<T[K], NonNullable<S[K]>> : never }
      : T
    : T;

/** Identity helper for plugin authors: type inference, unknown fields rejected by the compiler, validation. */
export function defineArch<T extends ArchProfile>(profile: T & Exact<T, ArchProfile>): T {
  validateArch(profile);
  return profile;
}
