// Built-in arch plugins by name, and third-party plugins from an installed package (`--arch kmemsim-arch-riscv64`,
// resolved from the working directory) or a file (`--arch ./my-arch.mjs`). Each plugin loaded is remembered with
// its provenance, which the result document records (`arch_source`), and may not take a built-in's name.
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ArchSource, ResultDocument } from '@kmemsim/core';
import type { ArchProfile } from '@kmemsim/mmu';
import { findPackage, isPackageName, owningPackage, packageEntry, pluginSource } from '../plugins/resolve.js';
import { badValue, UsageError } from './errors.js';
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
    if (!existsSync(file)) throw new UsageError(`${flag}: plugin package ${value}: its entry ${file} does not exist`);
    return register(
      await importProfile(file, `package ${value}`, flag),
      pluginSource('package', file, pkg),
      value,
      flag,
    );
  }
  const file = resolve(value);
  if (!existsSync(file)) throw new UsageError(`${flag}: plugin file ${value} does not exist`);
  return register(await importProfile(file, value, flag), pluginSource('file', file, owningPackage(file)), value, flag);
}

async function importProfile(file: string, what: string, flag: string): Promise<unknown> {
  let mod: Record<string, unknown>;
  try {
    mod = file.endsWith('.json')
      ? { default: JSON.parse(readFileSync(file, 'utf8')) }
      : await import(pathToFileURL(file).href);
  } catch (err) {
    const msg = firstLine((err as Error).message);
    const missing = /Cannot find (?:package|module) '(@kmemsim\/[\w-]+)'/.exec(msg)?.[1];
    if (missing)
      throw new UsageError(
        `${flag}: cannot load plugin ${what}: it imports ${missing}, which is not installed beside it ` +
          `(npm i ${missing} in the plugin's folder or project)`,
      );
    throw new UsageError(`${flag}: cannot load plugin ${what}: ${msg}`);
  }
  if (mod.default === undefined)
    throw new UsageError(`${flag}: plugin ${what} has no default export (export default defineArch({...}))`);
  const { checkArch, formatProblems } = await import('@kmemsim/mmu');
  const problems = checkArch(mod.default);
  if (problems.length > 0)
    throw new UsageError(
      `${flag}: invalid arch plugin ${what}: ${problems.length} problem(s): ${formatProblems(problems)}`,
    );
  return mod.default;
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
