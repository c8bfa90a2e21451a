import { defineConfig } from 'tsup';

export default defineConfig({
  entry: ['src/main.ts'],
  format: ['esm'],
  dts: false,
  clean: true,
  target: 'node20',
  tsconfig: 'tsconfig.build.json',
  noExternal: [/^@kmemsim\//],
});
