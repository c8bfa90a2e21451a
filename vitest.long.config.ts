import { defineConfig } from 'vitest/config';
import SlowFirstSequencer from './vitest.sequencer.ts';
import { alias } from './vitest.shared.ts';

// Suites too long for `pnpm test` (the real-makedumpfile matrix, fuzzing): files named *.long-test.ts, run by
// `pnpm test:long` after `pnpm test` in .ci/run. Same aliases as the per-package configs (sources, no build).
// Two workers, longest files first, as `pnpm test` (vitest.config.ts): one worker left a core idle for 20 minutes.
export default defineConfig({
  resolve: { alias },
  test: {
    include: ['{packages,apps,tools}/*/src/**/*.long-test.ts'],
    testTimeout: 600_000,
    hookTimeout: 600_000,
    maxWorkers: 2,
    sequence: { sequencer: SlowFirstSequencer },
    reporters: ['default', 'json'],
    outputFile: { json: '.vitest-long-results.json' },
    passWithNoTests: true,
  },
});
