// The public entry points of every published package, as source files: each `exports` subpath whose target is a
// built `dist/<name>.js` maps to `src/<name>.ts` (or `src/<name>/index.ts`). JSON files and package.json are not code and are skipped.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (posix path with a trailing slash). */
export const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** One public entry point of a published package. */
export interface Entry {
  /** Package name (`@kmemsim/mmu`). */
  pkg: string;
  /** Import specifier (`@kmemsim/mmu/testing`). */
  specifier: string;
  /** Package directory relative to the root (`packages/mmu`). */
  dir: string;
  /** Source file relative to the root (`packages/mmu/src/testing.ts`). */
  source: string;
}

interface Manifest {
  name: string;
  private?: boolean;
  exports?: Record<string, unknown>;
}

function targetOf(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object') {
    const v = value as Record<string, unknown>;
    return targetOf(v.import ?? v.default);
  }
  return undefined;
}

/** The published (non-private) packages under packages/ and apps/, in directory order. */
export function publishedPackages(root = ROOT): { dir: string; name: string; manifest: Manifest }[] {
  return ['packages', 'apps'].flatMap((parent) =>
    readdirSync(join(root, parent))
      .sort()
      .map((d) => `${parent}/${d}`)
      .filter((dir) => existsSync(join(root, dir, 'package.json')))
      .map((dir) => {
        const manifest = JSON.parse(readFileSync(join(root, dir, 'package.json'), 'utf8')) as Manifest;
        return { dir, name: manifest.name, manifest };
      })
      .filter((p) => !p.manifest.private),
  );
}

/** Every code entry point of every published package. */
export function entryPoints(root = ROOT): Entry[] {
  return publishedPackages(root).flatMap(({ dir, name, manifest }) =>
    Object.entries(manifest.exports ?? {}).flatMap(([sub, value]) => {
      const m = /^\.\/dist\/(.+)\.js$/.exec(targetOf(value) ?? '');
      if (!m) return [];
      const specifier = sub === '.' ? name : `${name}/${sub.slice(2)}`;
      // tsup names the output after its entry key: `designs` may be built from `src/designs.ts` or
      // `src/designs/index.ts`.
      const candidates = [`${dir}/src/${m[1]}.ts`, `${dir}/src/${m[1]}/index.ts`];
      const source = candidates.find((c) => existsSync(join(root, c))) ?? (candidates[0] as string);
      return [{ pkg: name, specifier, dir, source }];
    }),
  );
}
