// docs/cli-options.md is rendered from the definitions: it must match them.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { optionsMarkdown } from '../framework/doc.js';
import { COMMANDS } from './registry.js';

const file = new URL('../../../../docs/cli-options.md', import.meta.url);

describe('docs/cli-options.md', () => {
  it('is the options of every command, as the definitions give them', () => {
    const text = optionsMarkdown(COMMANDS);
    if (process.env.UPDATE_DOCS || !existsSync(file)) writeFileSync(file, text);
    expect(readFileSync(file, 'utf8')).toBe(text);
  });
});
