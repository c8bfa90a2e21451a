import { defineProject } from 'vitest/config';
import { alias } from '../../vitest.shared.ts';

// 120 s: the 10,000-run fast-check properties take 4–5 s alone but over 30 s when the shared 2-core machine is busy
// (pnpm test runs two files at once); the timeout only guards against a hang.
export default defineProject({ resolve: { alias }, test: { name: 'highmem', testTimeout: 120_000, isolate: false } });
