// Built-in arch plugins by name, and third-party plugins loaded from a file (`--arch ./my-arch.mjs`).
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ArchProfile } from '@kmemsim/mmu';
import { badValue, UsageError } from './errors.js';

export const BUILTIN_ARCHES = [
  'i386',
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
  return v.includes('/') || v.includes('\\') || /\.(m?js|json)$/.test(v);
}

/** Resolves `--arch NAME|PATH` to a validated profile; bad plugins report every problem on one line. */
export async function loadArch(value: string, flag = '--arch'): Promise<ArchProfile> {
  if (!looksLikePath(value)) {
    const found = (await builtinArches()).find((a) => a.name === value);
    if (!found) throw badValue(flag, value, `a built-in arch (${BUILTIN_ARCHES.join(', ')}) or a plugin file path`);
    return found;
  }
  const file = resolve(value);
  if (!existsSync(file)) throw new UsageError(`${flag}: plugin file ${value} does not exist`);
  let mod: Record<string, unknown>;
  try {
    mod = file.endsWith('.json')
      ? { default: JSON.parse((await import('node:fs')).readFileSync(file, 'utf8')) }
      : await import(pathToFileURL(file).href);
  } catch (err) {
    throw new UsageError(`${flag}: cannot load plugin ${value}: ${firstLine((err as Error).message)}`);
  }
  const candidate = mod.default;
  if (candidate === undefined)
    throw new UsageError(`${flag}: plugin ${value} has no default export (export default defineArch({...}))`);
  const { checkArch } = await import('@kmemsim/mmu');
  const problems = checkArch(candidate);
  if (problems.length > 0) {
    const list = problems.map((p) => `${p.path || '(root)'}: ${p.message}`).join('; ');
    throw new UsageError(`${flag}: invalid arch plugin ${value}: ${problems.length} problem(s): ${list}`);
  }
  return candidate as ArchProfile;
}

function firstLine(s: string): string {
  return s.split('\n')[0];
}
