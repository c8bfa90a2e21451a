// The workspace's packages, and a throw-away copy of the workspace in which `changeset version` and `pnpm pack`
// can run without touching the real tree.
import { execFileSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  symlinkSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

export interface Manifest {
  name: string;
  version: string;
  private?: boolean;
  description?: string;
  license?: string;
  keywords?: string[];
  homepage?: string;
  bugs?: { url?: string };
  repository?: { type?: string; url?: string; directory?: string };
  engines?: { node?: string };
  publishConfig?: { access?: string };
  exports?: unknown;
  main?: string;
  module?: string;
  types?: string;
  bin?: Record<string, string>;
  files?: string[];
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
}

export interface WorkspacePackage {
  /** Directory relative to the root, posix separators (`packages/mmu`). */
  dir: string;
  manifest: Manifest;
}

export function readManifest(file: string): Manifest {
  return JSON.parse(readFileSync(file, 'utf8')) as Manifest;
}

/** Every package matched by pnpm-workspace.yaml (`packages/*`, `apps/*`, `tools/*`), in directory order. */
export function workspacePackages(root = ROOT): WorkspacePackage[] {
  const globs = readFileSync(join(root, 'pnpm-workspace.yaml'), 'utf8')
    .split('\n')
    .map((l) => /^\s*-\s*['"]?([\w-]+)\/\*['"]?\s*$/.exec(l)?.[1])
    .filter((g): g is string => !!g);
  return globs.flatMap((parent) =>
    readdirSync(join(root, parent))
      .sort()
      .filter((d) => existsSync(join(root, parent, d, 'package.json')))
      .map((d) => ({ dir: `${parent}/${d}`, manifest: readManifest(join(root, parent, d, 'package.json')) })),
  );
}

/** The packages that get published (not `private`). */
export function publishablePackages(root = ROOT): WorkspacePackage[] {
  return workspacePackages(root).filter((p) => !p.manifest.private);
}

/**
 * Copies the workspace to `dest` as a fresh clone would have it plus the build: the files git tracks or would track,
 * each package's dist/, each package's node_modules links (pnpm pack reads linked workspace manifests to replace
 * `workspace:` ranges) and the root node_modules as a link.
 */
export function copyWorkspace(dest: string, root = ROOT): void {
  const files = execFileSync('git', ['ls-files', '-co', '--exclude-standard', '-z'], { cwd: root, encoding: 'utf8' })
    .split('\0')
    .filter((f) => f && existsSync(join(root, f)));
  for (const f of files) {
    mkdirSync(dirname(join(dest, f)), { recursive: true });
    cpSync(join(root, f), join(dest, f));
  }
  for (const { dir, manifest } of workspacePackages(root)) {
    if (!manifest.private && !existsSync(join(root, dir, 'dist')))
      throw new Error(`${dir}/dist is missing: run pnpm build first`);
    if (existsSync(join(root, dir, 'dist')))
      cpSync(join(root, dir, 'dist'), join(dest, dir, 'dist'), { recursive: true });
    copyLinks(join(root, dir, 'node_modules'), join(dest, dir, 'node_modules'));
  }
  symlinkSync(join(root, 'node_modules'), join(dest, 'node_modules'));
}

/** Recreates the symlinks of a package's node_modules (and of its @scope folders); relative links stay relative. */
function copyLinks(from: string, to: string): void {
  if (!existsSync(from)) return;
  for (const name of readdirSync(from)) {
    const src = join(from, name);
    const st = lstatSync(src);
    if (st.isSymbolicLink()) {
      mkdirSync(to, { recursive: true });
      symlinkSync(readlinkSync(src), join(to, name));
    } else if (st.isDirectory() && name.startsWith('@')) copyLinks(src, join(to, name));
  }
}
