import { defineConfig } from 'tsup';

export default defineConfig({
  entry: { index: 'src/index.ts', designs: 'src/designs/index.ts' },
  format: ['esm', 'cjs'],
  dts: true,
  clean: true,
  target: 'node20',
  tsconfig: 'tsconfig.build.json',
});
