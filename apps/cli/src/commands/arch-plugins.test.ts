// Third-party arch plugins on the command line: by package name (resolved from the working directory) or file,
// provenance in the result document, no silent shadowing of a built-in, and `arch init`'s starter package.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO, runCli } from '../testing/run-cli.js';

const ARM64 = readFileSync(join(REPO, 'examples/arm64/arm64.mjs'), 'utf8');
const sha = (s: string) => createHash('sha256').update(s).digest('hex');
const bench = ['vmap-bench', '--threads', '1', '--iterations', '100', '--impl', 'legacy', '--format', 'json'];

function project(): string {
  const dir = mkdtempSync(join(tmpdir(), 'kmemsim-plugins-'));
  const pkg = join(dir, 'node_modules', 'kmemsim-arch-demo');
  mkdirSync(pkg, { recursive: true });
  writeFileSync(
    join(pkg, 'package.json'),
    JSON.stringify({ name: 'kmemsim-arch-demo', version: '1.2.0', type: 'module', exports: './arch.mjs' }),
  );
  writeFileSync(join(pkg, 'arch.mjs'), ARM64.replace("name: 'arm64'", "name: 'demo64'"));
  return dir;
}

describe('--arch with a plugin package or file', () => {
  it('takes a package name, resolved from the working directory, and records name, version and file hash', () => {
    const dir = project();
    const run = runCli([bench[0], '--arch', 'kmemsim-arch-demo', ...bench.slice(1)], { cwd: dir });
    expect(run.code, run.stderr).toBe(0);
    const doc = JSON.parse(run.stdout);
    const file = join(dir, 'node_modules', 'kmemsim-arch-demo', 'arch.mjs');
    expect(doc.arch).toBe('demo64');
    expect(doc.arch_source).toEqual({
      kind: 'package',
      package: 'kmemsim-arch-demo',
      version: '1.2.0',
      file,
      sha256: sha(readFileSync(file, 'utf8')),
    });
  });

  it('records a plugin file with its hash; built-in arches carry no arch_source', () => {
    const run = runCli([bench[0], '--arch', './examples/arm64/arm64.mjs', ...bench.slice(1)]);
    expect(run.code, run.stderr).toBe(0);
    const src = JSON.parse(run.stdout).arch_source;
    expect(src.kind).toBe('file');
    expect(src.sha256).toBe(sha(ARM64));
    expect(JSON.parse(runCli(bench).stdout).arch_source).toBeUndefined();
  });

  it('refuses a plugin that takes a built-in name, a missing package, and a plugin that cannot find @kmemsim/mmu', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kmemsim-plugins-'));
    writeFileSync(join(dir, 'fake.mjs'), ARM64.replace("name: 'arm64'", "name: 'x86_64'"));
    writeFileSync(join(dir, 'needs-mmu.mjs'), "import { sourced } from '@kmemsim/mmu';\nexport default sourced({});\n");
    const cases: [string[], RegExp][] = [
      [['arch', 'show', join(dir, 'fake.mjs')], /is named "x86_64", the name of a built-in arch: give it its own name/],
      [
        [bench[0], '--arch', 'kmemsim-arch-nope'],
        /--arch: got "kmemsim-arch-nope", expected .*npm i kmemsim-arch-nope/,
      ],
      [[bench[0], '--arch', 'x86-64'], /did you mean x86_64\?/],
      [['arch', 'show', join(dir, 'needs-mmu.mjs')], /it imports @kmemsim\/mmu, which is not installed beside it/],
    ];
    for (const [args, message] of cases) {
      const r = runCli(args, { cwd: dir });
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr.trim().split('\n'), args.join(' ')).toHaveLength(1);
      expect(r.stderr).toMatch(message);
    }
  });
});

describe('kmemsim arch init', () => {
  it('writes the starter package, and refuses built-in names and non-empty folders', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kmemsim-init-'));
    const r = runCli(['arch', 'init', 'riscv64'], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    const out = join(dir, 'kmemsim-arch-riscv64');
    for (const f of ['package.json', 'index.mjs', 'index.test.mjs', 'README.md'])
      expect(existsSync(join(out, f))).toBe(true);
    const manifest = JSON.parse(readFileSync(join(out, 'package.json'), 'utf8'));
    const mmu = JSON.parse(readFileSync(join(REPO, 'packages/mmu/package.json'), 'utf8'));
    expect(manifest.peerDependencies['@kmemsim/mmu']).toBe(`^${mmu.version}`);
    expect(r.stdout).toContain('npm test');
    for (const [args, message] of [
      [['arch', 'init', 'x86_64'], /not a built-in arch/],
      [['arch', 'init', 'Risc V'], /an arch name/],
      [['arch', 'init', 'riscv64'], /exists and is not empty/],
    ] as [string[], RegExp][]) {
      const bad = runCli(args, { cwd: dir });
      expect(bad.code, args.join(' ')).toBe(2);
      expect(bad.stderr).toMatch(message);
    }
  });
});
