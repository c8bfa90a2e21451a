// The README's figures, drawn by the tool itself: each command below runs with --format svg and its SVG is written
// to docs/figures/ (caption and provenance included). Regenerate after a change to a model or to the chart layer:
//   pnpm build && node apps/cli/scripts/figures.mjs
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const cli = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
const dir = new URL('../docs/figures/', import.meta.url);

const FIGURES = {
  'vmap-bench': [
    'vmap-bench',
    '--arch',
    'x86_64',
    '--cpus',
    '8',
    '--threads',
    '1,2,4,8',
    '--impl',
    '2.6.27,2.6.28,percpu',
    '--iterations',
    '2000',
  ],
  'test-vmalloc': [
    'test-vmalloc',
    '--arch',
    'x86_64',
    '--cpus',
    '2',
    '--nr-threads',
    '2',
    '--test-loop-count',
    '100',
    '--impl',
    '2.6.28,5.2',
  ],
  'vmcore-dump': [
    'vmcore-dump',
    '--arch',
    's390',
    '--mem',
    '256MiB',
    '--dump-level',
    '0,1,7,31',
    '--access',
    'read,mmap',
  ],
  checkpoint: ['checkpoint', '--arch', 'i386', '--virt', 'kvm-shadow', '--size', '16MiB'],
  'rmap-fork': ['rmap-fork', '--arch', 'i386-piii', '--pages', '256', '--children', '2'],
};

mkdirSync(dir, { recursive: true });
for (const [name, argv] of Object.entries(FIGURES)) {
  const r = spawnSync(process.execPath, [cli, ...argv, '--format', 'svg'], { encoding: 'utf8', maxBuffer: 2 ** 26 });
  if (r.status !== 0) {
    process.stderr.write(`figures: kmemsim ${argv.join(' ')} failed:\n${r.stderr}`);
    process.exit(1);
  }
  writeFileSync(new URL(`${name}.svg`, dir), r.stdout);
  process.stdout.write(`docs/figures/${name}.svg  ← kmemsim ${argv.join(' ')} --format svg\n`);
}
