// Fuzz, long run, half of the in-process cases (fuzz-b has the other half; they run on two cores at once).
import { expect, it } from 'vitest';
import { fuzzInProcess } from './long.js';

it('5,000 generated cases in-process: exit 0/1/2, one line, no stack trace, schema-valid JSON, bounded RSS', async () => {
  expect(await fuzzInProcess(5_000, 100)).toBeGreaterThanOrEqual(5_000);
}, 1_800_000);
