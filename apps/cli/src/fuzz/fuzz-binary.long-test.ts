// Fuzz, long run, against the built binary: 200 generated cases as a user would run them.
import { expect, it } from 'vitest';
import { fuzzBinary } from './long.js';

it('200 generated cases against the built binary: exit 0/1/2, one line, no stack trace, bounded peak RSS', async () => {
  expect(await fuzzBinary(200, 300)).toBeGreaterThanOrEqual(200);
}, 900_000);
