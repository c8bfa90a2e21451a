import { defineProject } from 'vitest/config';
import { alias } from '../../vitest.shared.ts';

// Property suites run 10k sequences (~2 s idle); a loaded 2-core machine needs more than the 5 s default.
export default defineProject({ resolve: { alias }, test: { name: 'highmem', testTimeout: 60_000 } });
