// Installing kmemsim as a stranger would: every package packed, the tarballs installed with npm into a CommonJS
// TypeScript project and a strict ESM TypeScript project outside the repository; both compile and print the same
// bytes as the sources. attw and publint are clean for every tarball; the CLI installs small, runs, and asks for
// the optional chart packages only when a chart is wanted.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import x86_64 from '@kmemsim/arch-x86_64';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fillIn } from '../../../apps/cli/src/testing/fill-in.js';
import { example } from '../fixtures/consumer/example.js';
import { copyFixtures, createConsumer, packAll, run, treeBytes, tsc, writeTsconfig } from './consumer.js';
import { packedManifest } from './tarball.js';
import { ROOT } from './workspace.js';

const TYPES_NODE = { '@types/node': '^20.19.0' };
const tmp = mkdtempSync(join(tmpdir(), 'kmemsim-consumers-'));
let tarballs: Map<string, string>;
const libs = () => new Map([...tarballs].filter(([name]) => name !== 'kmemsim'));
const expected = `${JSON.stringify(example())}\n`;
let cliDir: string | undefined;
/** The CLI installed alone from its tarball (with the library tarballs standing in for the registry). */
function cliConsumer(): string {
  if (!cliDir) {
    cliDir = join(tmp, 'cli');
    createConsumer(cliDir, { type: 'module', tarballs });
  }
  return cliDir;
}

beforeAll(() => {
  tarballs = packAll(join(tmp, 'tarballs'));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('a CommonJS TypeScript project', () => {
  const dir = join(tmp, 'cjs');
  beforeAll(() => {
    createConsumer(dir, { type: 'commonjs', tarballs: libs(), extra: TYPES_NODE });
    copyFixtures(dir);
  });

  it('typechecks strictly under node16 (require conditions) and node10 (no exports: mmu/testing via its folder)', () => {
    writeTsconfig(dir, 'tsconfig.json', { module: 'node16', moduleResolution: 'node16', outDir: 'dist' });
    expect(tsc('tsconfig.json', dir)).toBe('');
    // esModuleInterop: zod's own .d.cts default-imports its locales (as `tsc --init` projects have it on).
    const node10 = { module: 'commonjs', moduleResolution: 'node10', esModuleInterop: true, noEmit: true };
    writeTsconfig(dir, 'tsconfig.node10.json', node10);
    expect(tsc('tsconfig.node10.json', dir)).toBe('');
  });

  it('require()s every library package and prints what the sources print', () => {
    const r = run('node', ['dist/main.js'], dir);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe(expected);
    const plain = run('node', ['-e', `for (const n of ${JSON.stringify([...libs().keys()])}) require(n);`], dir);
    expect(plain.status, plain.stderr).toBe(0);
  });
});

describe('a strict ESM TypeScript project', () => {
  const dir = join(tmp, 'esm');
  beforeAll(() => {
    createConsumer(dir, { type: 'module', tarballs: libs(), extra: TYPES_NODE });
    copyFixtures(dir);
  });

  it('typechecks under nodenext and bundler resolution', () => {
    writeTsconfig(dir, 'tsconfig.json', { module: 'nodenext', moduleResolution: 'nodenext', outDir: 'dist' });
    expect(tsc('tsconfig.json', dir)).toBe('');
    writeTsconfig(dir, 'tsconfig.bundler.json', { module: 'esnext', moduleResolution: 'bundler', noEmit: true });
    expect(tsc('tsconfig.bundler.json', dir)).toBe('');
  });

  it('imports every library package and prints what the sources print', () => {
    const r = run('node', ['dist/main.js'], dir);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe(expected);
  });
});

describe('attw and publint', () => {
  it('every tarball resolves with types under node10, node16 (CJS and ESM) and bundler', () => {
    const attw = join(ROOT, 'node_modules/.bin/attw');
    for (const [name, tgz] of tarballs) {
      // The CLI package is ESM-only by design (Node ≥ 20.19 require()s it; TypeScript's node16-cjs mode does not
      // know that): its profile checks node16-esm and bundler. The libraries are dual and checked everywhere.
      const esmOnly = name === 'kmemsim';
      const r = run(attw, [tgz, '--format', 'json', ...(esmOnly ? ['--profile', 'esm-only'] : [])], tmp);
      const report = JSON.parse(r.stdout) as { analysis: { types?: unknown; problems: { resolutionKind?: string }[] } };
      const ignored = esmOnly ? ['node10', 'node16-cjs'] : [];
      const problems = report.analysis.problems.filter((p) => !ignored.includes(p.resolutionKind ?? ''));
      expect({ name, types: !!report.analysis.types, problems }).toEqual({ name, types: true, problems: [] });
      expect(r.status, `${name}: ${r.stdout.slice(0, 500)}`).toBe(0);
    }
  });

  it('publint --strict has nothing to say about any tarball', () => {
    const publint = join(ROOT, 'node_modules/.bin/publint');
    for (const [name, tgz] of tarballs) {
      const r = run(publint, ['run', tgz, '--strict'], tmp);
      expect(`${name}: ${r.stdout.trim().split('\n').at(-1)}`).toBe(`${name}: All good!`);
    }
  });
});

describe('the CLI from its tarball', () => {
  const dir = join(tmp, 'cli');
  const kmemsim = (args: string[]) => run(join(dir, 'node_modules/.bin/kmemsim'), args, dir);
  const bench = ['vmap-bench', '--threads', '1', '--iterations', '200', '--impl', 'legacy'];
  beforeAll(() => cliConsumer());

  it('installs without the chart packages, under 15 MB', () => {
    const bytes = treeBytes(join(dir, 'node_modules'));
    console.log(`kmemsim install: ${(bytes / 2 ** 20).toFixed(1)} MiB of node_modules`);
    expect(bytes).toBeLessThan(15 * 2 ** 20);
    expect(existsSync(join(dir, 'node_modules/vega'))).toBe(false);
  });

  it('runs a command and prints the result document', () => {
    const r = kmemsim([...bench, '--format', 'json']);
    expect(r.status, r.stderr).toBe(0);
    expect(kmemsim(['--version']).stdout.trim()).toBe(packedManifest(tarballs.get('kmemsim') as string).version);
    expect(JSON.parse(r.stdout).schema).toBe('kmemsim/result@1');
    // The programmatic entry is ESM; Node ≥ 20.19 require()s it too.
    const cjs = run('node', ['-e', "if (typeof require('kmemsim').main !== 'function') process.exit(3)"], dir);
    expect(cjs.status, cjs.stderr).toBe(0);
  });

  it('asks for vega and vega-lite in one line (exit 2) when a chart is wanted, and draws once they are installed', () => {
    const without = kmemsim([...bench, '--format', 'svg']);
    expect(without.status).toBe(2);
    expect(without.stderr.trim().split('\n')).toHaveLength(1);
    expect(without.stderr).toContain('npm i vega@^6.4.0 vega-lite@^6.4.3');
    run('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error', 'vega@6.4.0', 'vega-lite@6.4.3'], dir);
    const withVega = kmemsim([...bench, '--format', 'svg']);
    expect(withVega.status, withVega.stderr).toBe(0);
    expect(withVega.stdout).toMatch(/^<svg/);
  });
});

describe('a plugin author, from kmemsim arch init to a run', () => {
  const dir = join(tmp, 'cli');
  const plugin = join(dir, 'kmemsim-arch-riscv64');
  beforeAll(() => cliConsumer());

  it('arch init writes a package whose kit fails until filled in and passes after; vmap-bench runs it by name', () => {
    const kmemsim = (args: string[], cwd = dir) => run(join(dir, 'node_modules/.bin/kmemsim'), args, cwd);
    const init = kmemsim(['arch', 'init', 'riscv64']);
    expect(init.status, init.stderr).toBe(0);
    // The tarballs stand in for the registry: the plugin's @kmemsim/mmu range resolves to them.
    const manifestFile = join(plugin, 'package.json');
    const manifest = JSON.parse(readFileSync(manifestFile, 'utf8'));
    const local = Object.fromEntries([...tarballs].filter(([n]) => n !== 'kmemsim').map(([n, t]) => [n, `file:${t}`]));
    manifest.devDependencies['@kmemsim/mmu'] = local['@kmemsim/mmu'];
    writeFileSync(manifestFile, JSON.stringify({ ...manifest, overrides: local }, null, 2));
    const install = run('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error'], plugin);
    expect(install.status, install.stderr).toBe(0);
    const vitest = join(plugin, 'node_modules/.bin/vitest');
    const empty = run(vitest, ['run'], plugin);
    expect(empty.status).not.toBe(0);
    expect(empty.stdout + empty.stderr).toContain('costs.invlpgCycles: not filled in (TODO)');
    const profile = join(plugin, 'index.mjs');
    writeFileSync(profile, fillIn(readFileSync(profile, 'utf8'), x86_64 as never));
    const filled = run(vitest, ['run'], plugin);
    expect(filled.status, filled.stdout + filled.stderr).toBe(0);
    expect(filled.stdout).toMatch(/5 passed/);

    const add = run('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error', './kmemsim-arch-riscv64'], dir);
    expect(add.status, add.stderr).toBe(0);
    const r = kmemsim([
      'vmap-bench',
      '--arch',
      'kmemsim-arch-riscv64',
      '--threads',
      '1',
      '--iterations',
      '200',
      '--format',
      'json',
    ]);
    expect(r.status, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.arch).toBe('riscv64');
    expect(doc.arch_source).toMatchObject({ kind: 'package', package: 'kmemsim-arch-riscv64', version: '0.1.0' });
    expect(doc.arch_source.sha256).toMatch(/^[0-9a-f]{64}$/);
  });
});
