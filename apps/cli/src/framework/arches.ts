// Built-in arch plugins by name, and third-party plugins loaded from a file (`--arch ./my-arch.mjs`).
//
// A plugin file is code, and is treated as such: it is evaluated in a worker thread with a time limit and a heap
// limit, and only its default export comes back, as plain data (a structured clone: no functions, getters or
// Proxies survive). A plugin that never finishes loading (an endless loop, a top-level await that never settles),
// throws anything at all, or exports something that is not data is reported in one line (exit 2). Do not load
// plugins you would not run: a worker has the same rights as kmemsim itself.
import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { ArchProfile } from '@kmemsim/mmu';
import { badValue, UsageError } from './errors.js';
import { readBounded } from './files.js';
import { didYouMean } from './keys.js';

export const BUILTIN_ARCHES = ['i386', 'x86_64', 's390', 'ia64', 'ia64-sn2'] as const;

/** How long a plugin may take to load (override with KMEMSIM_PLUGIN_TIMEOUT_MS). */
export const PLUGIN_TIMEOUT_MS = 10_000;
const PLUGIN_HEAP_MB = 256;
const MAX_JSON_PLUGIN_BYTES = 1 << 20;

export async function builtinArches(): Promise<ArchProfile[]> {
  const [i386, x86, s390, ia64] = await Promise.all([
    import('@kmemsim/arch-i386'),
    import('@kmemsim/arch-x86_64'),
    import('@kmemsim/arch-s390'),
    import('@kmemsim/arch-ia64'),
  ]);
  return [i386.i386, x86.x86_64, s390.s390, ia64.ia64, ia64.ia64Sn2];
}

function looksLikePath(v: string): boolean {
  return v.includes('/') || v.includes('\\') || /\.(m?js|cjs|json)$/.test(v);
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

/** Evaluates a plugin module in a worker; resolves with its default export as data. */
function loadInWorker(file: string, flag: string, shown: string): Promise<unknown> {
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
              `${flag}: plugin ${shown} did not finish loading within ${limit / 1000} s (an endless loop, or a top-level await that never settles?)`,
            ),
          ),
        ),
      limit,
    );
    worker.on('message', (r: Reply) =>
      done(() => {
        if (r.kind === 'ok') ok(r.value);
        else if (r.kind === 'nodefault')
          fail(new UsageError(`${flag}: plugin ${shown} has no default export (export default defineArch({...}))`));
        else if (r.kind === 'clone')
          fail(
            new UsageError(
              `${flag}: plugin ${shown}: its default export is not plain data (functions, getters or Proxies): ${r.message}`,
            ),
          );
        else fail(new UsageError(`${flag}: cannot load plugin ${shown}: ${r.message}`));
      }),
    );
    worker.on('error', (err) =>
      done(() =>
        fail(new UsageError(`${flag}: cannot load plugin ${shown}: ${firstLine(String(err?.message ?? err))}`)),
      ),
    );
    worker.on('exit', (code) =>
      done(() =>
        fail(
          new UsageError(
            code === 0
              ? `${flag}: plugin ${shown} did not finish loading (a top-level await that never settles?)`
              : `${flag}: cannot load plugin ${shown}: it ended the process (exit ${code})`,
          ),
        ),
      ),
    );
  });
}

/** A plugin's value must be a tree of plain data: no cycles, bounded size (checkArch walks it). */
function checkShape(v: unknown, flag: string, shown: string): void {
  let nodes = 0;
  const seen = new Set<object>();
  const walk = (x: unknown, path: string, depth: number) => {
    if (x === null || typeof x !== 'object') return;
    if (seen.has(x))
      throw new UsageError(
        `${flag}: invalid arch plugin ${shown}: ${path || '(root)'} refers back to itself (a cycle)`,
      );
    if (++nodes > 10_000 || depth > 16)
      throw new UsageError(`${flag}: invalid arch plugin ${shown}: far larger or deeper than any arch profile`);
    seen.add(x);
    for (const [k, y] of Object.entries(x)) walk(y, path ? `${path}.${k}` : k, depth + 1);
    seen.delete(x);
  };
  walk(v, '', 0);
}

const cache = new Map<string, { stamp: string; profile: ArchProfile }>();

/** Resolves `--arch NAME|PATH` to a validated profile; bad plugins report every problem on one line. */
export async function loadArch(value: string, flag = '--arch'): Promise<ArchProfile> {
  if (!looksLikePath(value)) {
    const found = (await builtinArches()).find((a) => a.name === value);
    if (!found)
      throw badValue(
        flag,
        value,
        `a built-in arch (${BUILTIN_ARCHES.join(', ')}) or a plugin file path${didYouMean(value, BUILTIN_ARCHES)}`,
      );
    return found;
  }
  const file = resolve(value);
  let stamp: string;
  try {
    const st = statSync(file);
    if (!st.isFile()) throw new UsageError(`${flag}: plugin ${value} is not a regular file`);
    stamp = `${st.size}:${st.mtimeMs}`;
  } catch (err) {
    if (err instanceof UsageError) throw err;
    throw new UsageError(`${flag}: plugin file ${value} does not exist`);
  }
  const hit = cache.get(file);
  if (hit?.stamp === stamp) return hit.profile;
  let candidate: unknown;
  if (file.endsWith('.json')) {
    const text = readBounded(file, flag, MAX_JSON_PLUGIN_BYTES);
    try {
      candidate = JSON.parse(text);
    } catch (err) {
      throw new UsageError(`${flag}: cannot load plugin ${value}: ${firstLine((err as Error).message)}`);
    }
  } else candidate = await loadInWorker(file, flag, value);
  checkShape(candidate, flag, value);
  const { checkArch } = await import('@kmemsim/mmu');
  const problems = checkArch(candidate);
  if (problems.length > 0) {
    const list = problems.map((p) => `${p.path || '(root)'}: ${p.message}`).join('; ');
    throw new UsageError(`${flag}: invalid arch plugin ${value}: ${problems.length} problem(s): ${list}`);
  }
  cache.set(file, { stamp, profile: candidate as ArchProfile });
  return candidate as ArchProfile;
}

function firstLine(s: string): string {
  return s.split('\n')[0];
}
