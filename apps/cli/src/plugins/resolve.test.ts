import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { findPackage, isPackageName, owningPackage, packageEntry, pluginSource } from './resolve.js';

const root = mkdtempSync(join(tmpdir(), 'kmemsim-resolve-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function pkg(dir: string, manifest: Record<string, unknown>, files: Record<string, string> = {}): string {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify(manifest));
  for (const [f, text] of Object.entries(files)) {
    mkdirSync(join(dir, f, '..'), { recursive: true });
    writeFileSync(join(dir, f), text);
  }
  return dir;
}

describe('plugin packages resolved from the working directory', () => {
  const project = join(root, 'project');
  const deep = join(project, 'sub', 'dir');
  mkdirSync(deep, { recursive: true });
  const a = pkg(join(project, 'node_modules', 'kmemsim-arch-a'), {
    name: 'kmemsim-arch-a',
    version: '1.2.3',
    exports: { '.': { import: './esm/a.mjs', require: './a.cjs' } },
  });
  const b = pkg(join(project, 'node_modules', '@acme', 'arch-b'), {
    name: '@acme/arch-b',
    version: '0.1.0',
    exports: './b.mjs',
  });
  const c = pkg(join(project, 'node_modules', 'arch-c'), { name: 'arch-c', version: '2.0.0', main: 'lib' });

  it('finds a package in node_modules of the directory or any parent', () => {
    expect(findPackage('kmemsim-arch-a', deep)).toEqual({ name: 'kmemsim-arch-a', version: '1.2.3', dir: a });
    expect(findPackage('@acme/arch-b', project)?.dir).toBe(b);
    expect(findPackage('kmemsim-arch-nowhere', deep)).toBeNull();
  });

  it("picks the file an ESM import loads: exports' import condition, a string export, main (folder → index.js)", () => {
    expect(packageEntry(a)).toBe(join(a, 'esm/a.mjs'));
    expect(packageEntry(b)).toBe(join(b, 'b.mjs'));
    mkdirSync(join(c, 'lib'), { recursive: true });
    expect(packageEntry(c)).toBe(join(c, 'lib', 'index.js'));
  });

  it('tells package names from paths', () => {
    for (const n of ['kmemsim-arch-riscv64', '@acme/arch-b', 'x86_64']) expect(isPackageName(n)).toBe(true);
    for (const n of ['./a.mjs', '../a', 'My Arch', '/abs/x', 'a/b/c']) expect(isPackageName(n)).toBe(false);
  });
});

describe('provenance', () => {
  it('records the owning package, its version, the file and the SHA-256 of its bytes', () => {
    const dir = pkg(
      join(root, 'plugin'),
      { name: 'kmemsim-arch-p', version: '0.3.0' },
      { 'src/p.mjs': 'export default {};\n' },
    );
    const file = join(dir, 'src', 'p.mjs');
    expect(owningPackage(file)).toEqual({ name: 'kmemsim-arch-p', version: '0.3.0', dir });
    expect(pluginSource('file', file, owningPackage(file))).toEqual({
      kind: 'file',
      package: 'kmemsim-arch-p',
      version: '0.3.0',
      file,
      sha256: createHash('sha256').update('export default {};\n').digest('hex'),
    });
  });
});
