// Fuzz, long run, the other half of the in-process cases (fuzz-a has the other half; they run on two cores at once).
// 30 min: at load 20–34 (helpers and a second CI on the 2 cores) it ran past 900 s, fuzz-a 536 s.
import { expect, it } from 'vitest';
import { fuzzInProcess } from './long.js';

it('5,000 generated cases in-process: exit 0/1/2, one line, no stack trace, schema-valid JSON, bounded RSS', async () => {
  expect(await fuzzInProcess(5_000, 200)).toBeGreaterThanOrEqual(5_000);
}, 1_800_000);
