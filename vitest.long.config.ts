import { defineConfig } from 'vitest/config';
import { alias } from './vitest.shared.ts';

// Suites too long for `pnpm test` (the real-makedumpfile matrix, fuzzing): files named *.long-test.ts, run by
// `pnpm test:long` after `pnpm test` in .ci/run. Same aliases as the per-package configs (sources, no build).
export default defineConfig({
  resolve: { alias },
  test: {
    include: ['{packages,apps,tools}/*/src/**/*.long-test.ts'],
    testTimeout: 600_000,
    hookTimeout: 600_000,
    reporters: ['default', 'json'],
    outputFile: { json: '.vitest-long-results.json' },
    passWithNoTests: true,
  },
});
