// Shared vitest settings: tests resolve @kmemsim/* to sources, so they never wait for a build.
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('.', import.meta.url));
export const alias = [
  { find: /^@kmemsim\/mmu\/testing$/, replacement: `${root}packages/mmu/src/testing.ts` },
  { find: /^@kmemsim\/vmalloc\/designs$/, replacement: `${root}packages/vmalloc/src/designs/index.ts` },
  { find: /^@kmemsim\/vmcore\/node$/, replacement: `${root}packages/vmcore/src/node.ts` },
  ...readdirSync(`${root}packages`).map((dir) => ({
    find: new RegExp(`^@kmemsim/${dir}$`),
    replacement: `${root}packages/${dir}/src/index.ts`,
  })),
];
