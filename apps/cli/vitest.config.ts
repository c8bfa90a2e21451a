import { defineProject } from 'vitest/config';
import { alias } from '../../vitest.shared.ts';

// These tests run the built binary as a user would; on a busy 2-core machine a spawn can take a second.
export default defineProject({ resolve: { alias }, test: { name: 'kmemsim', testTimeout: 60_000 } });
