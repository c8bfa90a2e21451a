import { x86_64 } from '@kmemsim/arch-x86_64';
import { Machine } from '@kmemsim/mmu';
import { describe, expect, it } from 'vitest';
import { Sampler } from './sampler.js';
import { plannedLoops, runTestVmalloc, type TestVmallocOptions } from './test-vmalloc.js';

const machine = (cpus: number) => new Machine({ arch: x86_64, cpus });

type Shape = Omit<TestVmallocOptions, 'machine' | 'onProgress'> & { cpus: number };

function watched(s: Shape) {
  const calls: [number, number][] = [];
  const { cpus, ...o } = s;
  const r = runTestVmalloc({ ...o, machine: machine(cpus), onProgress: (d, t) => calls.push([d, t]) });
  return { r, calls };
}

describe('test_vmalloc progress', () => {
  // Every case's declared loops (sampledLoops) against what the sampler counted: a case whose loops change must
  // change its declaration, or a display would stop short of (or run past) its total.
  it.each([
    ['5.2', 1 | 8 | 16 | 32 | 64 | 128 | 1024],
    ['6.9', 1 | 4],
    ['2.6.28', 2],
  ])('%s mask %i: the planned total is what the run goes through, and the last report reaches it', (impl, mask) => {
    const shape = { cpus: 2, impl, nrThreads: 2, runTestMask: mask, testLoopCount: 300, testRepeatCount: 2 };
    const { r, calls } = watched({ ...shape, sampling: { exact: true }, progressEvery: 997 });
    const planned = plannedLoops({ ...shape, machine: machine(2) });
    expect(r.sampling.loops).toBe(planned);
    expect(calls.at(-1)).toEqual([planned, planned]);
    // Exact: one report per 997 loops in detail, then the last.
    expect(calls.length).toBe(Math.floor(r.sampling.detailed / 997) + 1);
    for (let i = 1; i < calls.length; i++) {
      expect(calls[i][0]).toBeGreaterThanOrEqual(calls[i - 1][0]);
      expect(calls[i][1]).toBe(planned);
    }
  });

  it('plans full_fit by junk_length: 4 · fls(cpus) · 32 MiB of pages + the loops, per worker and repeat', () => {
    const m = machine(64);
    // fls(64) = 7, 32 MiB of 4 KiB pages = 8,192: junk_length 57,344.
    expect(plannedLoops({ machine: m, nrThreads: 64, runTestMask: 2, testLoopCount: 1000 })).toBe(
      64 * (4 * 57_344 + 1000),
    );
    // The must-show: 64 × (1 M + 4 · 57,344 + 1 M + 30,000 + 1 M).
    expect(plannedLoops({ machine: m, nrThreads: 64, runTestMask: 7, testLoopCount: 1_000_000 })).toBe(
      64 * (3_000_000 + 4 * 57_344 + 30_000),
    );
  });

  it('counts skipped loops as done, and a watched run simulates the same bytes as an unwatched one', () => {
    const shape = { cpus: 4, impl: '5.2', nrThreads: 4, runTestMask: 1, testLoopCount: 40_000 };
    const { r, calls } = watched({ ...shape, progressEvery: 1000 });
    expect(r.sampling.skipped).toBeGreaterThan(0);
    const planned = plannedLoops({ ...shape, machine: machine(4) });
    expect(calls.at(-1)).toEqual([planned, planned]);
    // A skip moves the count by more than the loops in detail between two reports.
    const jumps = calls.slice(1).map((c, i) => c[0] - calls[i][0]);
    expect(Math.max(...jumps)).toBeGreaterThan(1000);
    // Fewer reports than loops done / 1000: the skipped loops report nothing themselves.
    expect(calls.length).toBe(Math.floor(r.sampling.detailed / 1000) + 1);
    const { cpus, ...o } = shape;
    const plain = runTestVmalloc({ ...o, machine: machine(cpus) });
    expect(JSON.stringify(r.run)).toBe(JSON.stringify(plain.run));
    expect(r.tests).toEqual(plain.tests);
  });

  it('refuses a report interval that is not a positive integer', () => {
    const s = new Sampler(machine(1).engine);
    expect(() => s.watch(0, () => {})).toThrow(/progress every 0: expected an integer ≥ 1/);
    expect(() => s.watch(2.5, () => {})).toThrow(RangeError);
  });
});
