import { defineProject } from 'vitest/config';
import { alias } from '../../vitest.shared.ts';

export default defineProject({
  resolve: { alias },
  test: { name: 'arch-x86_64', testTimeout: 30_000, isolate: false },
});
