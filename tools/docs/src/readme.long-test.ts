// Deliverable 5 of issue 14: package READMEs cannot drift (a long suite: the rmap and vmalloc examples run whole
// workloads, a minute each on a loaded machine). Each ```ts block is written beside this test (so
// `@kmemsim/*` resolves to the sources through the shared aliases), imported, and its printed output compared.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { publishedPackages, ROOT } from './entries.js';
import { readmeFileBlocks } from './readme.js';

const TMP = join(ROOT, 'tools/docs/.readme-blocks');
const blocks = publishedPackages()
  .filter((p) => p.dir.startsWith('packages/'))
  .flatMap((p) => readmeFileBlocks(join(ROOT, p.dir, 'README.md'), `${p.dir}/README.md`));

async function run(code: string, name: string): Promise<string> {
  mkdirSync(TMP, { recursive: true });
  const file = join(TMP, `${name}.ts`);
  writeFileSync(file, code);
  const printed: string[] = [];
  const spy = vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => {
    printed.push(`${args.map(String).join(' ')}\n`);
  });
  try {
    await import(/* @vite-ignore */ file);
  } finally {
    spy.mockRestore();
  }
  return printed.join('');
}

afterAll(() => rmSync(TMP, { recursive: true, force: true }));

describe('README code blocks run', () => {
  it('finds the blocks of every library README', () => {
    expect(new Set(blocks.map((b) => b.readme)).size).toBeGreaterThanOrEqual(10);
  });
  for (const b of blocks) {
    const title = `${b.readme}:${b.line}${b.expected ? ' prints what the README shows' : ' runs'}`;
    if (b.skip) {
      it.skip(`${title} (${b.skip})`, () => {});
      continue;
    }
    it(title, async () => {
      const name = `${b.readme.replace(/[/.]/g, '_')}_${b.line}`;
      const printed = await run(b.code, name);
      if (b.expected !== undefined) expect(printed).toBe(b.expected);
    });
  }
});
