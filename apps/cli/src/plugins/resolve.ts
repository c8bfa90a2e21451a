// Where an arch plugin comes from: a package name resolved from the working directory the way Node resolves an
// import there (node_modules up the tree, the package's `exports`/`main`), or a file; and its provenance for the
// result document (package name and version, file, SHA-256 of the file's bytes).
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, parse, resolve } from 'node:path';
import type { ArchSource } from '@kmemsim/core';

/** npm package names: `name` or `@scope/name`, lowercase, URL-safe. */
const PACKAGE_NAME = /^(@[a-z0-9-~][a-z0-9-._~]*\/)?[a-z0-9-~][a-z0-9-._~]*$/;

export function isPackageName(v: string): boolean {
  return PACKAGE_NAME.test(v) && !v.startsWith('.') && v.length <= 214;
}

export interface PackageInfo {
  name: string;
  version: string;
  dir: string;
}

interface Manifest {
  name?: string;
  version?: string;
  main?: string;
  module?: string;
  exports?: unknown;
}

function readManifest(dir: string): Manifest | null {
  try {
    return JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as Manifest;
  } catch {
    return null;
  }
}

/** The installed package `name` as seen from `fromDir`: node_modules/<name> in it or any parent. */
export function findPackage(name: string, fromDir: string): PackageInfo | null {
  for (let dir = resolve(fromDir); ; dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', name);
    const m = existsSync(join(candidate, 'package.json')) ? readManifest(candidate) : null;
    if (m) return { name: m.name ?? name, version: m.version ?? '(no version)', dir: candidate };
    if (dir === parse(dir).root) return null;
  }
}

/** The file an ESM `import 'pkg'` loads: `exports` "." (import, node, default conditions), else module/main/index.js. */
export function packageEntry(dir: string): string {
  const m = readManifest(dir) ?? {};
  const pick = (e: unknown): string | undefined => {
    if (typeof e === 'string') return e;
    if (Array.isArray(e)) return e.map(pick).find(Boolean);
    if (e && typeof e === 'object') {
      const o = e as Record<string, unknown>;
      if ('.' in o) return pick(o['.']);
      for (const cond of ['import', 'node', 'default']) if (cond in o) return pick(o[cond]);
    }
    return undefined;
  };
  const rel = pick(m.exports) ?? m.module ?? m.main ?? 'index.js';
  const file = join(dir, rel);
  if (existsSync(file) && statSync(file).isDirectory()) return join(file, 'index.js');
  return file;
}

/** The package a file belongs to: the nearest package.json above it that has a name. */
export function owningPackage(file: string): PackageInfo | null {
  for (let dir = dirname(resolve(file)); ; dir = dirname(dir)) {
    const m = readManifest(dir);
    if (m?.name) return { name: m.name, version: m.version ?? '(no version)', dir };
    if (dir === parse(dir).root) return null;
  }
}

export function sha256File(file: string): string {
  return createHash('sha256').update(readFileSync(file)).digest('hex');
}

export function pluginSource(kind: 'package' | 'file', file: string, pkg: PackageInfo | null): ArchSource {
  return {
    kind,
    ...(pkg ? { package: pkg.name, version: pkg.version } : {}),
    file,
    sha256: sha256File(file),
  };
}
