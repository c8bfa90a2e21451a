// `pnpm bench`: the emulator's own speed. `--json` prints one object of named figures; `--only a,b` filters by
// name prefix. Exit 1 if a figure misses its target.
import Table from 'cli-table3';
import { FIGURES } from './figures/index.js';

const args = process.argv.slice(2);
const json = args.includes('--json');
const onlyIdx = args.indexOf('--only');
const only = onlyIdx >= 0 ? (args[onlyIdx + 1] ?? '').split(',').filter(Boolean) : [];
const figures = only.length ? FIGURES.filter((f) => only.some((o) => f.name.startsWith(o))) : FIGURES;
if (figures.length === 0) {
  process.stderr.write(
    `bench: --only ${only.join(',')} matches no figure (have: ${FIGURES.map((f) => f.name).join(', ')})\n`,
  );
  process.exit(2);
}

const results: Record<string, number> = {};
let missed = 0;
const rows: string[][] = [];
for (const f of figures) {
  if (!json && process.stderr.isTTY) process.stderr.write(`\rmeasuring ${f.name} …\x1b[K`);
  const v = await f.measure();
  results[f.name] = v;
  const ok = f.meets(v);
  if (!ok) missed++;
  rows.push([f.name, v.toLocaleString('en-US'), f.target, ok ? 'ok' : 'MISSED', f.description]);
}
if (!json && process.stderr.isTTY) process.stderr.write('\r\x1b[K');
if (json) {
  process.stdout.write(`${JSON.stringify(results)}\n`);
} else {
  const t = new Table({ head: ['figure', 'value', 'target', 'verdict', 'what'], style: { head: [], border: [] } });
  for (const r of rows) t.push(r);
  process.stdout.write(`${t.toString()}\n`);
}
process.exitCode = missed ? 1 : 0;
