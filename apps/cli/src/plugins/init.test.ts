import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import x86_64 from '@kmemsim/arch-x86_64';
import { runConformance } from '@kmemsim/mmu';
import { afterAll, describe, expect, it } from 'vitest';
import { fillIn } from '../testing/fill-in.js';
import { archInitFiles } from './init.js';

// Inside the package so the generated index.mjs resolves @kmemsim/mmu as an installed plugin would.
const here = fileURLToPath(new URL('.', import.meta.url));
const tmp = mkdtempSync(join(here, '.arch-init-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const files = archInitFiles({ name: 'riscv64', mmuRange: '^0.1.0', vitestRange: '^4.1.12' });

async function load(dir: string, profile: string): Promise<unknown> {
  mkdirSync(dir);
  writeFileSync(join(dir, 'index.mjs'), profile);
  return (await import(pathToFileURL(join(dir, 'index.mjs')).href)).default;
}

describe('kmemsim arch init: the starter plugin', () => {
  it('writes a package: profile, conformance test, README', () => {
    expect(Object.keys(files).sort()).toEqual(['README.md', 'index.mjs', 'index.test.mjs', 'package.json']);
    const manifest = JSON.parse(files['package.json']);
    expect(manifest.name).toBe('kmemsim-arch-riscv64');
    expect(manifest.peerDependencies).toEqual({ '@kmemsim/mmu': '^0.1.0' });
    expect(files['index.test.mjs']).toContain('testArch(arch)');
    expect(files['README.md']).toContain('kmemsim vmap-bench --arch kmemsim-arch-riscv64');
  });

  it('lists every field with its description and a source slot', () => {
    const p = files['index.mjs'];
    for (const key of ['invlpgCycles', 'tlbMissCycles', 'pkmapEntries', 'broadcastShorthand', 'flushHandler'])
      expect(p).toContain(key);
    expect(p).toContain('// Single-address invalidation (invlpg / ptc.l / IPTE local), cycles ≥ 0 (at most 1e9).');
    expect(p).toContain("    invlpgCycles: [TODO, 'TODO: source'],");
  });

  it('fails the kit, naming the fields, until filled in', async () => {
    const findings = runConformance((await load(join(tmp, 'empty'), files['index.mjs'])) as never);
    for (const f of findings) expect(f.problem).not.toBeNull();
    expect(findings[0].problem).toContain('costs.invlpgCycles: not filled in (TODO)');
    expect(findings[0].problem).toContain('sources.costs.invlpgCycles: not filled in');
    expect(findings[0].problem).toContain('ipi.broadcastShorthand');
  });

  it('passes the kit once every number is filled in', async () => {
    const filled = fillIn(files['index.mjs'], x86_64 as never);
    expect(filled).not.toMatch(/TODO,|TODO: source|\/\* TODO/);
    const findings = runConformance((await load(join(tmp, 'filled'), filled)) as never);
    expect(findings.filter((f) => f.problem !== null)).toEqual([]);
  });
});
