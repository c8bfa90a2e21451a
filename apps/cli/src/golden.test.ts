// Golden outputs: small cases of every command, byte for byte (JSON, so the whole result document is pinned).
// After an intended change, regenerate with `UPDATE_GOLDEN=1 pnpm exec vitest run apps/cli/src/golden.test.ts`
// and review the diff: every changed number should be explainable by the change.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { type CliResult, runMany } from './testing/run-cli.js';

const CASES: Record<string, string[]> = {
  'arch-show-i386': ['arch', 'show', 'i386', '--format', 'json'],
  checkpoint: ['checkpoint', '--arch', 'i386', '--virt', 'kvm-shadow', '--size', '4MiB', '--format', 'json'],
  'checkpoint-x86_64': ['checkpoint', '--arch', 'x86_64', '--size', '4MiB', '--map', 'kmap', '--format', 'json'],
  'vmap-bench': [
    'vmap-bench',
    '--arch',
    'x86_64',
    '--cpus',
    '4',
    '--threads',
    '1,4',
    '--impl',
    '2.6.27,2.6.28,percpu',
    '--iterations',
    '200',
    '--format',
    'json',
  ],
  'test-vmalloc': [
    'test-vmalloc',
    '--arch',
    'x86_64',
    '--cpus',
    '2',
    '--nr-threads',
    '2',
    '--run-test-mask',
    '1',
    '--test-loop-count',
    '100',
    '--impl',
    '2.6.28',
    '--format',
    'json',
  ],
  'rmap-fork': ['rmap-fork', '--arch', 'i386-piii', '--pages', '256', '--children', '2', '--format', 'json'],
  'vmcore-dump': [
    'vmcore-dump',
    '--arch',
    's390',
    '--mem',
    '64MiB',
    '--dump-level',
    '0,31',
    '--access',
    'read,mmap',
    '--format',
    'json',
  ],
  'checkpoint-csv': ['checkpoint', '--arch', 'i386', '--size', '4MiB', '--map', 'kmap', '--format', 'csv'],
};

const file = (name: string) => new URL(`./golden/${name}.${name.endsWith('-csv') ? 'csv' : 'json'}`, import.meta.url);

describe('golden outputs', () => {
  // The built binary, several at a time.
  let results: CliResult[] = [];
  beforeAll(async () => {
    results = await runMany(Object.values(CASES));
  }, 300_000);
  Object.entries(CASES).forEach(([name, args], i) => {
    it(`kmemsim ${args.join(' ')}`, () => {
      const r = results[i];
      expect(r.code, r.stderr).toBe(0);
      if (process.env.UPDATE_GOLDEN || !existsSync(file(name))) {
        if (!process.env.UPDATE_GOLDEN) throw new Error(`no golden file for ${name}: run with UPDATE_GOLDEN=1`);
        writeFileSync(file(name), r.stdout);
      }
      expect(r.stdout).toBe(readFileSync(file(name), 'utf8'));
    });
  });
});
