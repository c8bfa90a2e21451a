// Deliverable 3 of issue 14: CI fails on an undocumented export. Every export of every published entry point, and
// every public member of an exported class, interface, object type or enum, carries a doc comment.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { type Undocumented, undocumented } from './coverage.js';
import { entryPoints } from './entries.js';

// The declarations that were undocumented when the check was introduced (`<specifier> <name>` per line). The check
// fails on any undocumented export or member not listed here, and on a listed one that is now documented or gone,
// so the list only shrinks: delete its lines as you document, never add to it.
const BASELINE_FILE = join(dirname(fileURLToPath(import.meta.url)), '../undocumented.txt');
const baseline = new Set(
  readFileSync(BASELINE_FILE, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== ''),
);

const entries = entryPoints();
const found = undocumented(entries);

describe('API documentation coverage', () => {
  it('reads every published entry point', () => {
    expect(entries.map((e) => e.specifier)).toEqual(
      expect.arrayContaining([
        '@kmemsim/core',
        '@kmemsim/mmu',
        '@kmemsim/mmu/testing',
        '@kmemsim/vmcore/node',
        'kmemsim',
      ]),
    );
  });
  const key = (u: Undocumented) => `${u.specifier} ${u.name}`;
  for (const e of entries) {
    const mine = found.filter((u) => u.specifier === e.specifier);
    it(`${e.specifier}: every export documented`, () => {
      const missing = mine.filter((u) => !u.name.includes('.') && !baseline.has(key(u)));
      expect(missing.map((u) => `${u.where} ${u.name}`)).toEqual([]);
    });
    it(`${e.specifier}: every public member documented`, () => {
      const missing = mine.filter((u) => u.name.includes('.') && !baseline.has(key(u)));
      expect(missing.map((u) => `${u.where} ${u.name}`)).toEqual([]);
    });
  }
  it('undocumented.txt lists only what is still undocumented (delete the lines of what you documented)', () => {
    const still = new Set(found.map(key));
    expect([...baseline].filter((l) => !still.has(l))).toEqual([]);
  });
  it('finds undocumented exports, fields and methods, and accepts one doc per overload set', () => {
    const sample = undocumented([
      { pkg: 'sample', specifier: 'sample', dir: 'tools/docs', source: 'tools/docs/fixtures/coverage-sample.ts' },
    ]);
    expect(sample.map((u) => u.name).sort()).toEqual(['Options.bytes', 'Thing.stop', 'bare']);
    expect(sample.find((u) => u.name === 'bare')?.where).toBe('tools/docs/fixtures/coverage-sample.ts:8');
  });
});
