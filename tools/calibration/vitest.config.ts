import { defineProject } from 'vitest/config';

export default defineProject({ test: { name: 'calibration', testTimeout: 30_000 } });
