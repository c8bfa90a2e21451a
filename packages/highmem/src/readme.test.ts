// The README's calibration tables are generated from tools/calibration/000-checkpoint.json, the seed000 profile and
// a run of the experiment; this test fails when they drift. Regenerate: UPDATE_README=1 npx vitest run <this file>.
import { readFileSync, writeFileSync } from 'node:fs';
import i386 from '@kmemsim/arch-i386';
import { describe, expect, it } from 'vitest';
import { runSeed000 } from './experiments/fit.js';
import { SEED000, SEED000_FITTED } from './experiments/seed000.js';

interface Figure {
  id: string;
  metric: string;
  published: number;
  tolerance: number;
  role: string;
  sets: string[];
}
const calibration: { figures: Figure[] } = JSON.parse(
  readFileSync(new URL('../../../tools/calibration/000-checkpoint.json', import.meta.url), 'utf8'),
);
const README = new URL('../README.md', import.meta.url);

function value(run: ReturnType<typeof runSeed000>, metric: string): number {
  const [head, a, b] = metric.split('.');
  if (head === 'profile') return run.profile.find((r) => r.symbol === a)?.[b as 'ticks'] ?? 0;
  return (run.time as Record<string, number>)[a!]!;
}

const fmt = (n: number) => n.toLocaleString('en-US', { maximumFractionDigits: 3 });
const short = (id: string) => id.replace('000/kmap/', '').replace('ticks/', '');

export function ledgerTables(): string {
  const run = runSeed000(i386, SEED000, 'kmap');
  run.profile = run.profile.slice(0, 1000);
  const { sources, ...fitted } = SEED000_FITTED;
  const src = sources as Record<string, string>;
  const out = [
    '| figure | published | model | fitted value (seed000.ts) | what it stands for |',
    '| --- | --- | --- | --- | --- |',
  ];
  for (const f of calibration.figures.filter((x) => x.role === 'calibration')) {
    const name = f.sets[0]!.split('#')[1]!;
    const why = src[name]!.replace(/^calibrated: seed 000, figure \S+ — /, '');
    out.push(
      `| ${short(f.id)} | ${fmt(f.published)} | ${fmt(value(run, f.metric))} | \`${name}\` = ${fmt((fitted as Record<string, number>)[name]!)} | ${why} |`,
    );
  }
  out.push(
    '',
    '| check (predicted) | published | model | error | within ±tolerance |',
    '| --- | --- | --- | --- | --- |',
  );
  for (const f of calibration.figures.filter((x) => x.role === 'check')) {
    const v = value(run, f.metric);
    const err = (v - f.published) / f.published;
    const ok = Math.abs(err) <= f.tolerance + 1e-12;
    out.push(
      `| ${short(f.id)} | ${fmt(f.published)} | ${fmt(v)} | ${err >= 0 ? '+' : ''}${(err * 100).toFixed(1)} % | ${ok ? 'yes' : '**off**'} |`,
    );
  }
  return out.join('\n');
}

const MMU_README = new URL('../../mmu/README.md', import.meta.url);

/** The seed 000 ledger entries that replace a virt-mode cost (documented in @kmemsim/mmu's README). */
export function virtLedger(): string {
  const { sources } = SEED000_FITTED;
  const src = sources as Record<string, string>;
  const virt: Record<string, string> = {
    exitRoundTripCycles: 'vmExitCycles',
    refillCyclesPerCall: 'mechanism.refillCyclesPerCall',
    pioCycles: 'mechanism.pioCycles',
  };
  const out = [
    '| virt cost (kvm-shadow) | seed000 value | figure | arch-i386 value (range) |',
    '| --- | --- | --- | --- |',
  ];
  const shadow = i386.virt['kvm-shadow']!;
  for (const f of calibration.figures.filter((x) => x.role === 'calibration')) {
    const name = f.sets[0]!.split('#')[1]!;
    const path = virt[name];
    if (!path) continue;
    const generic = path.split('.').reduce<unknown>((o, k) => (o as Record<string, unknown>)[k], shadow) as number;
    const range = (i386.sources[`virt.kvm-shadow.${path}`] ?? '').match(/^\[U [^\]]+\]/)?.[0] ?? '';
    out.push(
      `| \`${path}\` | ${fmt((SEED000_FITTED as unknown as Record<string, number>)[name]!)} | ${f.id} | ${fmt(generic)} ${range} |`,
    );
    expect(src[name]).toContain(f.id);
  }
  return out.join('\n');
}

function checkSection(url: URL, marker: string, generated: string): void {
  const text = readFileSync(url, 'utf8');
  const [start, end] = [`<!-- ${marker}:start -->\n`, `\n<!-- ${marker}:end -->`];
  const i = text.indexOf(start);
  const j = text.indexOf(end);
  expect(i >= 0 && j > i, `${url.pathname} has the ${marker} markers`).toBe(true);
  if (process.env.UPDATE_README) writeFileSync(url, text.slice(0, i + start.length) + generated + text.slice(j));
  else expect(text.slice(i + start.length, j)).toBe(generated);
}

describe('README', () => {
  it('mmu: the seed 000 values that replace virt costs, generated from the calibration file', () => {
    checkSection(MMU_README, 'virt-ledger', virtLedger());
  });

  it('holds the ledger and the checks as generated from the calibration file and the model', () => {
    checkSection(README, 'ledger', ledgerTables());
  });
});
