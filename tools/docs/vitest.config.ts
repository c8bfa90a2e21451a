import { defineProject } from 'vitest/config';
import { alias } from '../../vitest.shared.ts';

export default defineProject({ resolve: { alias }, test: { name: 'docs', testTimeout: 60_000 } });
