import { defineConfig } from 'tsup';

// One bundled ESM entry with code splitting: `kmemsim --help` loads only commander and the command specs;
// simulation packages load when a command runs. Types only for the programmatic entry (index).
export default defineConfig({
  entry: { cli: 'src/cli.ts', index: 'src/index.ts', 'sweep-worker': 'src/sweep/worker.ts' },
  format: ['esm'],
  dts: { entry: { index: 'src/index.ts' } },
  clean: true,
  splitting: true,
  target: 'node20',
  tsconfig: 'tsconfig.build.json',
  noExternal: [/^@kmemsim\//],
  banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
});
