import { defineConfig } from 'vitest/config';
import SlowFirstSequencer from './vitest.sequencer.ts';

// The JSON report gives CI its closing line "N passed, N failed" without changing the test command.
// maxWorkers: vitest's default is one worker less than the cores, so on these 2-core machines every file ran on a
// single worker; two workers halve the wall time (CPU-bound tests, and the CLI tests' spawned binaries, share the
// 2 cores). The sequencer starts the longest files first. The library packages' projects set isolate: false (their
// tests share no mutable module state; spies are restored in finally): each worker then loads their sources once,
// not once per file — core + mmu + vmalloc's 100 files took 163 s of CPU against 272 s isolated (4 Dec, load 9–14).
export default defineConfig({
  test: {
    projects: ['packages/*', 'apps/*', 'tools/*'],
    maxWorkers: 2,
    sequence: { sequencer: SlowFirstSequencer },
    reporters: ['default', 'json'],
    outputFile: { json: '.vitest-results.json' },
  },
});
