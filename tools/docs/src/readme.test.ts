// The README block extraction (the blocks themselves run in readme.long-test.ts: some run whole workloads).
import { describe, expect, it } from 'vitest';
import { readmeBlocks } from './readme.js';

describe('README block extraction', () => {
  const text = [
    '# x',
    '```ts',
    "console.log('a');",
    '```',
    '```',
    'a',
    '```',
    '<!-- readme-test: skip — imports your own plugin -->',
    '```ts',
    "import p from './mine.js';",
    '```',
    '```ts',
    "console.log('b');",
    '```',
    'Output:',
    '```',
    'b',
    '```',
    '```ts',
    "console.log('c');",
    '```',
    'prose',
    '```',
    'not its output',
    '```',
  ].join('\n');
  it('pairs a printing block with the bare block right after it, reads skip markers', () => {
    expect(readmeBlocks(text, 'R.md')).toEqual([
      { readme: 'R.md', line: 2, code: "console.log('a');", expected: 'a\n' },
      { readme: 'R.md', line: 9, code: "import p from './mine.js';", skip: 'imports your own plugin' },
      { readme: 'R.md', line: 12, code: "console.log('b');", expected: 'b\n' },
      { readme: 'R.md', line: 19, code: "console.log('c');" },
    ]);
  });
});
