// Built-in arch plugins by name, and third-party plugins from an installed package (`--arch kmemsim-arch-riscv64`,
// resolved from the working directory) or a file (`--arch ./my-arch.mjs`). Each plugin loaded is remembered with
// its provenance, which the result document records (`arch_source`), and may not take a built-in's name.
//
// A plugin module is code, and is treated as such: it is evaluated in a worker thread with a time limit and a heap
// limit, and only its default export comes back, as plain data (a structured clone: no functions, getters or
// Proxies survive). A plugin that never finishes loading (an endless loop, a top-level await that never settles),
// throws anything at all, or exports something that is not data is reported in one line (exit 2). The worker has
// the rights kmemsim has: load only plugins you would run. `.json` plugins are data and never run.
import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { ArchSource, ResultDocument } from '@kmemsim/core';
import type { ArchProfile } from '@kmemsim/mmu';
import { findPackage, isPackageName, owningPackage, packageEntry, pluginSource } from '../plugins/resolve.js';
import { badValue, UsageError } from './errors.js';
import { readBounded } from './files.js';
import { didYouMean } from './keys.js';

export const BUILTIN_ARCHES = [
  'i386',
  'i386-bigsmp',
  'x86_64',
  's390',
  'ia64',
  'ia64-sn2',
  'i386-piii',
  'i386-tualatin',
  'i386-p4',
  'i386-xeonmp',
  'i386-numaq',
] as const;

/** How long a plugin may take to load (override with KMEMSIM_PLUGIN_TIMEOUT_MS). */
export const PLUGIN_TIMEOUT_MS = 10_000;
const PLUGIN_HEAP_MB = 256;
/** A plugin is a profile: a few KiB. Anything far bigger is not one (and is hashed and parsed whole). */
const MAX_PLUGIN_BYTES = 16 * 2 ** 20;

export async function builtinArches(): Promise<ArchProfile[]> {
  const [i386, x86, s390, ia64] = await Promise.all([
    import('@kmemsim/arch-i386'),
    import('@kmemsim/arch-x86_64'),
    import('@kmemsim/arch-s390'),
    import('@kmemsim/arch-ia64'),
  ]);
  return [
    i386.i386,
    i386.i386Bigsmp,
    x86.x86_64,
    s390.s390,
    ia64.ia64,
    ia64.ia64Sn2,
    i386.i386Piii,
    i386.i386Tualatin,
    i386.i386P4,
    i386.i386XeonMp,
    i386.i386Numaq,
  ];
}

function looksLikePath(v: string): boolean {
  return (
    v.includes('\\') || v.startsWith('.') || v.startsWith('/') || /\.(m?js|cjs|json)$/.test(v) || !isPackageName(v)
  );
}

/** Plugins loaded in this process, by profile name (one name, one plugin). */
const loaded = new Map<string, ArchSource>();

/** Provenance of the plugin loaded under this name in this process (built-ins: undefined). */
export function archSourceOf(name: string): ArchSource | undefined {
  return loaded.get(name);
}

/** The provenance of the plugin a document's arch came from, set on the document (built-ins: nothing). */
export function withArchSource<D extends ResultDocument>(doc: D): D {
  const source = loaded.get(doc.arch);
  if (source) doc.arch_source = source;
  return doc;
}

/** Resolves `--arch NAME|PACKAGE|PATH` to a validated profile; bad plugins report every problem on one line. */
export async function loadArch(value: string, flag = '--arch'): Promise<ArchProfile> {
  const builtins = await builtinArches();
  const builtin = builtins.find((a) => a.name === value);
  if (builtin) return builtin;
  if (!looksLikePath(value)) {
    const pkg = findPackage(value, process.cwd());
    if (!pkg) {
      throw badValue(
        flag,
        value,
        `a built-in arch (${BUILTIN_ARCHES.join(', ')}), a plugin package installed where kmemsim runs ` +
          `(npm i ${value}) or a plugin file path${didYouMean(value, BUILTIN_ARCHES)}`,
      );
    }
    const file = packageEntry(pkg.dir);
    checkPluginFile(file, `plugin package ${value}: its entry ${file}`, flag);
    return register(
      await importProfile(file, `package ${value}`, flag),
      pluginSource('package', file, pkg),
      value,
      flag,
    );
  }
  const file = resolve(value);
  checkPluginFile(file, `plugin file ${value}`, flag);
  // Node would refuse another extension with its own wording ("Unknown file extension"): say what is expected.
  if (!/\.(mjs|cjs|js|json)$/i.test(file))
    throw new UsageError(`${flag}: got "${value}", expected a plugin file ending in .mjs, .js, .cjs or .json`);
  return register(await importProfile(file, value, flag), pluginSource('file', file, owningPackage(file)), value, flag);
}

/** A plugin must be a regular file of plugin size (not /dev/zero, a directory or a FIFO). */
function checkPluginFile(file: string, what: string, flag: string): void {
  let st: ReturnType<typeof statSync>;
  try {
    st = statSync(file);
  } catch {
    throw new UsageError(`${flag}: ${what} does not exist`);
  }
  if (!st.isFile()) throw new UsageError(`${flag}: ${what} is not a regular file`);
  if (st.size > MAX_PLUGIN_BYTES)
    throw new UsageError(`${flag}: ${what} is ${st.size} bytes, more than the ${MAX_PLUGIN_BYTES} a plugin may have`);
}

// The worker: import the plugin, send back its default export as a structured clone, or what went wrong.
const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const text = (e) => { try { if (e instanceof Error) return String(e.message).split('\\n')[0]; if (e === null || typeof e !== 'object') return 'threw ' + String(e); return 'threw a ' + (Array.isArray(e) ? 'list' : 'non-Error object'); } catch { return 'threw an unreadable value'; } };
(async () => {
  let mod;
  try { mod = await import(workerData.url); } catch (e) { return parentPort.postMessage({ kind: 'load', message: text(e) }); }
  let value;
  try { value = mod.default; } catch (e) { return parentPort.postMessage({ kind: 'read', message: text(e) }); }
  if (value === undefined) return parentPort.postMessage({ kind: 'nodefault' });
  try { parentPort.postMessage({ kind: 'ok', value }); } catch (e) { parentPort.postMessage({ kind: 'clone', message: text(e) }); }
})();
`;

interface Reply {
  kind: 'ok' | 'load' | 'read' | 'nodefault' | 'clone';
  value?: unknown;
  message?: string;
}

function timeoutMs(): number {
  const v = Number(process.env.KMEMSIM_PLUGIN_TIMEOUT_MS);
  return Number.isFinite(v) && v > 0 ? v : PLUGIN_TIMEOUT_MS;
}

function loadFailure(flag: string, what: string, message: string): UsageError {
  const missing = /Cannot find (?:package|module) '(@kmemsim\/[\w-]+)'/.exec(message)?.[1];
  if (missing)
    return new UsageError(
      `${flag}: cannot load plugin ${what}: it imports ${missing}, which is not installed beside it ` +
        `(npm i ${missing} in the plugin's folder or project)`,
    );
  return new UsageError(`${flag}: cannot load plugin ${what}: ${message}`);
}

/** Evaluates a plugin module in a worker; resolves with its default export as data. */
function loadInWorker(file: string, flag: string, what: string): Promise<unknown> {
  return new Promise((ok, fail) => {
    const worker = new Worker(WORKER, {
      eval: true,
      workerData: { url: pathToFileURL(file).href },
      resourceLimits: { maxOldGenerationSizeMb: PLUGIN_HEAP_MB },
      stdout: true,
      stderr: true,
    });
    let settled = false;
    const done = (f: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      void worker.terminate();
      f();
    };
    const limit = timeoutMs();
    const timer = setTimeout(
      () =>
        done(() =>
          fail(
            new UsageError(
              `${flag}: plugin ${what} did not finish loading within ${limit / 1000} s (an endless loop, or a top-level await that never settles?)`,
            ),
          ),
        ),
      limit,
    );
    worker.on('message', (r: Reply) =>
      done(() => {
        if (r.kind === 'ok') ok(r.value);
        else if (r.kind === 'nodefault')
          fail(new UsageError(`${flag}: plugin ${what} has no default export (export default defineArch({...}))`));
        else if (r.kind === 'clone')
          fail(
            new UsageError(
              `${flag}: plugin ${what}: its default export is not plain data (functions, getters or Proxies): ${r.message}`,
            ),
          );
        else fail(loadFailure(flag, what, r.message ?? 'unknown error'));
      }),
    );
    worker.on('error', (err) => done(() => fail(loadFailure(flag, what, firstLine(String(err?.message ?? err))))));
    worker.on('exit', (code) =>
      done(() =>
        fail(
          new UsageError(
            code === 0
              ? `${flag}: plugin ${what} did not finish loading (a top-level await that never settles?)`
              : `${flag}: cannot load plugin ${what}: it ended the process (exit ${code})`,
          ),
        ),
      ),
    );
  });
}

/** A plugin's value must be a tree of plain data: no cycles, bounded size (checkArch walks it). */
function checkShape(v: unknown, flag: string, what: string): void {
  let nodes = 0;
  const seen = new Set<object>();
  const walk = (x: unknown, path: string, depth: number) => {
    if (x === null || typeof x !== 'object') return;
    if (seen.has(x))
      throw new UsageError(`${flag}: invalid arch plugin ${what}: ${path || '(root)'} refers back to itself (a cycle)`);
    if (++nodes > 10_000 || depth > 16)
      throw new UsageError(`${flag}: invalid arch plugin ${what}: far larger or deeper than any arch profile`);
    seen.add(x);
    for (const [k, y] of Object.entries(x)) walk(y, path ? `${path}.${k}` : k, depth + 1);
    seen.delete(x);
  };
  walk(v, '', 0);
}

/** Validated profiles by file and its size and mtime: a sweep loads each plugin once. */
const cache = new Map<string, { stamp: string; profile: unknown }>();

async function importProfile(file: string, what: string, flag: string): Promise<unknown> {
  const st = statSync(file);
  const stamp = `${st.size}:${st.mtimeMs}`;
  const hit = cache.get(file);
  if (hit?.stamp === stamp) return hit.profile;
  let candidate: unknown;
  if (file.endsWith('.json')) {
    try {
      candidate = JSON.parse(readBounded(file, flag, MAX_PLUGIN_BYTES));
    } catch (err) {
      if (err instanceof UsageError) throw err;
      throw new UsageError(`${flag}: cannot load plugin ${what}: ${firstLine((err as Error).message)}`);
    }
    if (candidate === undefined)
      throw new UsageError(`${flag}: plugin ${what} has no default export (export default defineArch({...}))`);
  } else candidate = await loadInWorker(file, flag, what);
  checkShape(candidate, flag, what);
  const { checkArch, formatProblems } = await import('@kmemsim/mmu');
  const problems = checkArch(candidate);
  if (problems.length > 0)
    throw new UsageError(
      `${flag}: invalid arch plugin ${what}: ${problems.length} problem(s): ${formatProblems(problems)}`,
    );
  cache.set(file, { stamp, profile: candidate });
  return candidate;
}

function register(profile: unknown, source: ArchSource, value: string, flag: string): ArchProfile {
  const arch = profile as ArchProfile;
  if ((BUILTIN_ARCHES as readonly string[]).includes(arch.name))
    throw new UsageError(
      `${flag}: plugin ${value} is named "${arch.name}", the name of a built-in arch: give it its own name ` +
        `(e.g. "${arch.name}-custom") so results cannot be mistaken for the built-in's`,
    );
  const before = loaded.get(arch.name);
  if (before && before.sha256 !== source.sha256)
    throw new UsageError(
      `${flag}: two different plugins are named "${arch.name}" (${before.file} and ${source.file}): rename one`,
    );
  loaded.set(arch.name, source);
  return arch;
}

function firstLine(s: string): string {
  return s.split('\n')[0];
}
