// Packing a package the way `pnpm publish` would, and checking what is inside the tarball: every file the manifest
// points at (exports, main, module, types, bin), every `files` entry, and the files a stranger reads (README,
// LICENSE, CHANGELOG). A manifest that still says `workspace:` is a broken publish too.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import type { Manifest } from './workspace.js';

/** Packs `<root>/<dir>` into `dest` with pnpm (which rewrites `workspace:` ranges); returns the tarball path. */
export function pack(root: string, dir: string, manifest: Manifest, dest: string): string {
  execFileSync('pnpm', ['pack', '--pack-destination', dest], { cwd: join(root, dir), stdio: 'pipe' });
  return join(dest, `${manifest.name.replace(/^@/, '').replace('/', '-')}-${manifest.version}.tgz`);
}

/** Paths inside the tarball, relative to its `package/` folder. */
export function tarEntries(tgz: string): string[] {
  return execFileSync('tar', ['-tzf', tgz], { encoding: 'utf8' })
    .split('\n')
    .filter(Boolean)
    .map((p) => p.replace(/^package\//, ''));
}

export function packedManifest(tgz: string): Manifest {
  return JSON.parse(execFileSync('tar', ['-xzOf', tgz, 'package/package.json'], { encoding: 'utf8' })) as Manifest;
}

/** Every file path an `exports` value points at (conditions and subpaths flattened). */
export function exportTargets(exp: unknown): string[] {
  if (typeof exp === 'string') return [exp];
  if (exp === null || typeof exp !== 'object') return [];
  return Object.values(exp).flatMap(exportTargets);
}

const norm = (p: string) => p.replace(/^\.\//, '').replace(/\/$/, '');
const ALWAYS = ['package.json', 'README.md', 'LICENSE'];

/** What a tarball lacks: files the manifest points at, `files` entries that matched nothing, README/LICENSE/CHANGELOG. */
export function missingFiles(manifest: Manifest, entries: string[], opts: { changelog: boolean }): string[] {
  const have = new Set(entries);
  const problems: string[] = [];
  const wanted = [
    ...ALWAYS.map((f) => [f, 'always shipped'] as const),
    ...(opts.changelog ? [['CHANGELOG.md', 'written by changeset version'] as const] : []),
    ...exportTargets(manifest.exports).map((f) => [norm(f), 'exports'] as const),
    ...(['main', 'module', 'types'] as const).flatMap((k) => (manifest[k] ? [[norm(manifest[k]), k] as const] : [])),
    ...Object.entries(manifest.bin ?? {}).map(([b, f]) => [norm(f), `bin ${b}`] as const),
  ];
  for (const [file, why] of wanted) if (!have.has(file)) problems.push(`${file} (${why}) is not in the tarball`);
  for (const f of manifest.files ?? []) {
    const p = norm(f);
    if (!entries.some((e) => e === p || e.startsWith(`${p}/`)))
      problems.push(`files entry "${f}" matches nothing in the tarball`);
  }
  for (const field of ['dependencies', 'peerDependencies', 'optionalDependencies'] as const)
    for (const [dep, range] of Object.entries(manifest[field] ?? {}))
      if (range.startsWith('workspace:')) problems.push(`${field}.${dep} is still ${range}`);
  return problems;
}
