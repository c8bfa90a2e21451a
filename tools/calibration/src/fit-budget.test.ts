// The fit budget (docs/fidelity.md): per experiment (one file here) at most max(1, ⌊published figures / 3⌋) fitted
// parameters, each in its figure's `sets` as "<repo path>#<name>" and marked "calibrated: seed NNN, figure <id>" at
// its definition; no fitted value in a generic arch profile.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const here = fileURLToPath(new URL('..', import.meta.url));
const repo = join(here, '..', '..');

interface Figure {
  id: string;
  role: 'calibration' | 'check';
  sets: string[];
}
interface Experiment {
  seed: string;
  figures: Figure[];
}

const experiments: Experiment[] = readdirSync(here)
  .filter((f) => /^\d{3}-.*\.json$/.test(f))
  .map((f) => JSON.parse(readFileSync(join(here, f), 'utf8')) as Experiment);

/** Seeds whose rework to the fit budget has not landed yet (issues 10–13); each rework removes its seed here. */
const REWORK_PENDING = new Set<string>();

function sourceFiles(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name === 'dist' || name.startsWith('.')) continue;
    const p = join(dir, name);
    if (statSync(p).isDirectory()) sourceFiles(p, out);
    else if (/\.(ts|mts|mjs)$/.test(name) && !/\.test\.ts$/.test(name)) out.push(p);
  }
  return out;
}

const MARKER = /calibrated: seed (\d{3}), figure (\S+?)[\s'"`,)—]/g;
const files = [...sourceFiles(join(repo, 'packages')), ...sourceFiles(join(repo, 'apps'))];
const markers = files.flatMap((path) => {
  const text = readFileSync(path, 'utf8');
  return [...text.matchAll(MARKER)].map((m) => ({ file: relative(repo, path), seed: m[1]!, figure: m[2]! }));
});

const budgetOf = (published: number) => Math.max(1, Math.floor(published / 3));

describe.each(experiments.map((e) => [e.seed, e] as const))('seed %s', (seed, exp) => {
  const pending = REWORK_PENDING.has(seed);
  const ledger = [...new Set(exp.figures.flatMap((f) => f.sets))];

  it.skipIf(pending)('fits at most max(1, ⌊figures / 3⌋) parameters', () => {
    expect(ledger.length).toBeLessThanOrEqual(budgetOf(exp.figures.length));
  });

  it.skipIf(pending)('lists each fitted parameter as "<repo path>#<name>", on calibration figures only', () => {
    for (const f of exp.figures) {
      if (f.role === 'check') expect(f.sets, f.id).toEqual([]);
      for (const entry of f.sets) {
        const [path, name] = entry.split('#');
        expect(name, `${f.id}: ${entry}`).toBeTruthy();
        const text = readFileSync(join(repo, path!), 'utf8');
        expect(text.includes(name!), `${entry}: name not found in the file`).toBe(true);
        expect(text.includes(`calibrated: seed ${seed}, figure ${f.id}`), `${entry}: no marker for ${f.id}`).toBe(true);
      }
    }
  });

  it.skipIf(pending)('has a ledger entry for every "calibrated:" marker in the code', () => {
    for (const m of markers.filter((x) => x.seed === seed)) {
      const fig = exp.figures.find((f) => f.id === m.figure);
      expect(fig, `${m.file}: marker names unknown figure ${m.figure}`).toBeDefined();
      expect(fig!.role, `${m.file}: ${m.figure} is a check, not a calibration`).toBe('calibration');
      const inFile = markers.filter((x) => x.seed === seed && x.figure === m.figure && x.file === m.file).length;
      const listed = fig!.sets.filter((s) => s.startsWith(`${m.file}#`)).length;
      expect(listed, `${m.file}: ${inFile} markers for ${m.figure}, ${listed} ledger entries`).toBe(inFile);
    }
  });
});

describe('fitted values', () => {
  it('never live in a generic arch profile', () => {
    const inArch = markers.filter((m) => m.file.startsWith('packages/arch-') && !REWORK_PENDING.has(m.seed));
    expect(inArch).toEqual([]);
  });

  it('name a seed that has an experiment file', () => {
    const seeds = new Set(experiments.map((e) => e.seed));
    expect(markers.filter((m) => !seeds.has(m.seed))).toEqual([]);
  });

  it('budget arithmetic', () => {
    expect([1, 2, 3, 8, 23].map(budgetOf)).toEqual([1, 1, 1, 2, 7]);
  });
});
