// `kmemsim --help` as a whole process (node start-up included), best of 5.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Figure } from '../figure.js';

const CLI = fileURLToPath(new URL('../../../apps/cli/dist/cli.js', import.meta.url));

export const cliFigures: Figure[] = [
  {
    name: 'cli_help_ms',
    description: '`kmemsim --help` as a whole process, best of 5',
    target: '≤ 200',
    meets: (v) => v <= 200,
    measure: () => {
      let best = Number.POSITIVE_INFINITY;
      for (let i = 0; i < 5; i++) {
        const t0 = performance.now();
        const r = spawnSync(process.execPath, [CLI, '--help']);
        if (r.status !== 0) throw new Error(`kmemsim --help exited ${r.status}`);
        best = Math.min(best, performance.now() - t0);
      }
      return Math.round(best);
    },
  },
  {
    name: 'reproduce_ms',
    description: '`kmemsim reproduce` (every published figure) as a whole process',
    target: '≤ 10,000',
    meets: (v) => v <= 10_000,
    measure: () => {
      const t0 = performance.now();
      const r = spawnSync(process.execPath, [CLI, 'reproduce', '--format', 'json']);
      if (r.status !== 0) throw new Error(`kmemsim reproduce exited ${r.status}: ${r.stderr}`);
      return Math.round(performance.now() - t0);
    },
  },
];
