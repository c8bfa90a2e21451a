// Sweep files are checked against the command's own option schema (issue 15, failures 2, 3 and 5).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readPoints as readLines } from './format.js';
import { runSweep } from './run.js';
import { compileSweep, point } from './spec.js';

const compile = (raw: unknown) => compileSweep(raw, 'sweep file s.yaml');

describe('sweep files against the option schema', () => {
  it('refuses a grid axis that names a base option in another spelling (it used to be silently overridden)', () => {
    expect(() =>
      compile({ command: 'test-vmalloc', base: { cpus: 8, nr_threads: 1 }, grid: { nrThreads: [1, 2, 4] } }),
    ).toThrow(/grid\.nrThreads: the same option as base\.nr_threads \(--nr-threads\)/);
    expect(() => compile({ command: 'test-vmalloc', grid: { 'nr-threads': [1], nr_threads: [2] } })).toThrow(
      /the same option/,
    );
  });

  it('types booleans: false is off, true is on, and false/"off" are one value', () => {
    const s = compile({ command: 'checkpoint', grid: { pae: [false, 'off', true, 'on'] } });
    expect(s.axes).toEqual([{ name: 'pae', values: [false, true] }]);
    expect(s.total).toBe(2);
    expect(s.warnings).toHaveLength(2);
  });

  it('drops duplicate values and seeds with a warning: each point once', () => {
    const s = compile({
      command: 'vmap-bench',
      grid: { threads: [1, 1, '1', 2], iterations: [100, '100', 1_0_0] },
      seeds: [1, 1, 2],
    });
    expect(s.axes.map((a) => a.values)).toEqual([[[1], [2]], [100]]);
    expect(s.seeds).toEqual([1, 2]);
    expect(s.total).toBe(4);
    expect(s.warnings.join('\n')).toMatch(/grid\.threads\[1\] repeats grid\.threads\[0\]/);
    expect(s.warnings.join('\n')).toMatch(/seeds\[1\] repeats seed 1/);
    const sizes = compile({ command: 'checkpoint', grid: { size: ['8MiB', 8388608, '8 MiB'] } });
    expect(sizes.total).toBe(1);
  });

  it('reports every bad key and value at once with its dot path', () => {
    expect(() =>
      compile({ command: 'vmap-bench', base: { format: 'json', seed: 3 }, grid: { thread: [1], pages: [0, 'x'] } }),
    ).toThrow(
      /base\.format: set by sweep itself; base\.seed: set by sweep itself \(use seeds:\); grid\.thread: not an option of vmap-bench \(did you mean threads\?\); grid\.pages\[0\]: got "0".*; grid\.pages\[1\]: got "x"/,
    );
    expect(() => compile({ command: 'reproduce', grid: { only: ['000'] } })).toThrow(/not a simulation command/);
  });

  it('computes points lazily: a 10^8-point grid compiles at once and any point is found by its index', () => {
    const axis = Array.from({ length: 100 }, (_, i) => i + 1);
    const s = compile({ command: 'vmap-bench', grid: { iterations: axis, pages: axis, threads: axis, cpus: axis } });
    expect(s.total).toBe(1e8);
    const last = point(s, 1e8 - 1);
    expect(last.options).toEqual({ iterations: 100, pages: 100, threads: [100], cpus: 100 });
    expect(point(s, 123).options).toEqual({ iterations: 1, pages: 1, threads: [2], cpus: 24 });
  });

  it('runs pae: false with PAE off and pae: true with PAE on (no argv round trip)', async () => {
    const d = mkdtempSync(join(tmpdir(), 'kmemsim-spec-'));
    const file = join(d, 's.yaml');
    writeFileSync(file, 'command: checkpoint\nbase: { size: 4MiB, map: kmap }\ngrid: { pae: [false, true] }\n');
    const out = join(d, 'o.jsonl');
    await runSweep({ file, out, workers: 1, shard: { index: 0, count: 1 } });
    const lines = readLines(out).sort((a, b) => a.index - b.index);
    expect(lines.map((l) => [l.options.pae, l.result.params.pae, l.result.params.pkmap_entries])).toEqual([
      [false, false, 1024],
      [true, true, 512],
    ]);
  });
});
