import { defineConfig } from 'vitest/config';

// The JSON report gives CI its closing line "N passed, N failed" without changing the test command.
export default defineConfig({
  test: {
    projects: ['packages/*', 'apps/*', 'tools/*'],
    reporters: ['default', 'json'],
    outputFile: { json: '.vitest-results.json' },
  },
});
