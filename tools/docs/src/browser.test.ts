// Deliverable 7 of issue 14: every library package's main entry bundles for the browser with no Node built-in.
// The CLI is a Node program (it writes files, spawns workers) and is not a browser target; Node-only library code
// lives behind a `./node` subpath (`@kmemsim/vmcore/node`) and the vitest kit behind `@kmemsim/mmu/testing`.
import { describe, expect, it } from 'vitest';
import { bundleForBrowser } from './browser.js';
import { entryPoints } from './entries.js';

const mains = entryPoints().filter((e) => e.dir.startsWith('packages/') && e.specifier === e.pkg);

describe('browser bundles (esbuild, platform=browser)', () => {
  it('covers every library package', () => {
    expect(mains.map((e) => e.pkg)).toEqual(expect.arrayContaining(['@kmemsim/core', '@kmemsim/vmcore']));
    expect(mains.length).toBeGreaterThanOrEqual(10);
  });
  for (const e of mains) {
    it(`${e.specifier} bundles without a Node built-in`, async () => {
      const r = await bundleForBrowser(e.source);
      expect(r.errors).toEqual([]);
      expect(r.nodeGlobals).toEqual([]);
      expect(r.bytes).toBeGreaterThan(0);
    });
  }
  it('fails on an entry that imports a Node built-in, naming the import', async () => {
    const r = await bundleForBrowser('packages/vmcore/src/node.ts');
    expect(r.errors.length).toBeGreaterThan(0);
    expect(r.errors.join('\n')).toMatch(/"(node:)?(fs|child_process|os)"/);
  });
});
