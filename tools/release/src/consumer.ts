// A stranger's project outside the repository: the packed tarballs installed with plain npm (no workspace, no
// pnpm), TypeScript compiled with the repository's tsc, programs run with node.
import { type ExecFileSyncOptions, execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pack } from './tarball.js';
import { publishablePackages, ROOT } from './workspace.js';

export const TSC = join(ROOT, 'node_modules/typescript/bin/tsc');
export const FIXTURES = join(ROOT, 'tools/release/fixtures/consumer');

/** Packs every published package of the real workspace into `dest`; tarball path per package name. */
export function packAll(dest: string): Map<string, string> {
  mkdirSync(dest, { recursive: true });
  return new Map(publishablePackages().map(({ dir, manifest }) => [manifest.name, pack(ROOT, dir, manifest, dest)]));
}

export interface ConsumerOptions {
  type: 'commonjs' | 'module';
  /** Tarballs to depend on, by package name. */
  tarballs: Map<string, string>;
  /** Registry packages to add (`name@range`), e.g. @types/node. */
  extra?: Record<string, string>;
}

/**
 * The environment of a shell outside the repository: without the NODE_PATH and npm_* variables that pnpm/npx set
 * for scripts (NODE_PATH would let the consumer resolve the repository's own node_modules) and without
 * node_modules/.bin on PATH.
 */
export function strangerEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { NO_COLOR: '1' };
  for (const [k, v] of Object.entries(process.env))
    if (!/^(NODE_PATH|NODE_ENV|NODE_OPTIONS|npm_.*|PNPM_.*|VITEST.*)$/i.test(k)) env[k] = v;
  env.PATH = (process.env.PATH ?? '')
    .split(':')
    .filter((p) => !p.includes('node_modules'))
    .join(':');
  return env;
}

const quiet: ExecFileSyncOptions = { stdio: 'pipe', encoding: 'utf8', timeout: 300_000, env: strangerEnv() };

/**
 * Writes package.json (tarballs as `file:` dependencies, and as overrides so the tarballs' own `^x.y.z` ranges on
 * each other resolve to them rather than to the registry) and runs `npm install`.
 */
export function createConsumer(dir: string, o: ConsumerOptions): void {
  mkdirSync(dir, { recursive: true });
  const deps = Object.fromEntries([...o.tarballs].map(([name, tgz]) => [name, `file:${tgz}`]));
  const manifest = {
    name: `consumer-${o.type}`,
    version: '1.0.0',
    private: true,
    type: o.type,
    dependencies: { ...deps, ...o.extra },
    overrides: deps,
  };
  writeFileSync(join(dir, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  execFileSync('npm', ['install', '--no-audit', '--no-fund', '--ignore-scripts', '--loglevel=error'], {
    ...quiet,
    cwd: dir,
  });
}

/** Copies the fixture sources to `<dir>/src`. */
export function copyFixtures(dir: string): void {
  cpSync(FIXTURES, join(dir, 'src'), { recursive: true });
}

export function writeTsconfig(dir: string, name: string, compilerOptions: Record<string, unknown>): string {
  const file = join(dir, name);
  const strict = {
    strict: true,
    noUncheckedIndexedAccess: true,
    exactOptionalPropertyTypes: true,
    skipLibCheck: false,
    target: 'ES2022',
    types: ['node'],
  };
  writeFileSync(
    file,
    JSON.stringify({ compilerOptions: { ...strict, ...compilerOptions }, include: ['src'] }, null, 2),
  );
  return file;
}

export interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

export function run(cmd: string, args: string[], cwd: string): Run {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', timeout: 300_000, env: strangerEnv() });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** tsc -p <tsconfig>: returns the diagnostics ('' when clean). */
export function tsc(tsconfig: string, cwd: string): string {
  const r = run('node', [TSC, '-p', tsconfig, '--pretty', 'false'], cwd);
  return r.status === 0 ? '' : `${r.stdout}${r.stderr}`.trim() || `tsc exited ${r.status}`;
}

/** Bytes under a directory (files only; what `du -sb` counts for a node_modules tree). */
export function treeBytes(dir: string): number {
  let total = 0;
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    const st = statSync(p, { throwIfNoEntry: false });
    if (!st) continue;
    total += st.isDirectory() ? treeBytes(p) : st.size;
  }
  return total;
}
