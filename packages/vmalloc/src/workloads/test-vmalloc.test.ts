import { x86_64 } from '@kmemsim/arch-x86_64';
import { Machine } from '@kmemsim/mmu';
import { describe, expect, it } from 'vitest';
import { runTestVmalloc, selectedCases } from './test-vmalloc.js';

const machine = (cpus: number) => new Machine({ arch: x86_64, cpus });

describe('test_vmalloc', () => {
  it('selects cases by run_test_mask bits', () => {
    expect(selectedCases(7).map((c) => c.name)).toEqual([
      'fix_size_alloc_test',
      'full_fit_alloc_test',
      'long_busy_list_alloc_test',
    ]);
    expect(selectedCases(1024).map((c) => c.name)).toEqual(['vm_map_ram_test']);
  });

  it('runs every modelled case; align_shift fails as the kernel expects, the rest pass', () => {
    const r = runTestVmalloc({
      machine: machine(2),
      impl: '5.2',
      nrThreads: 2,
      runTestMask: 1 | 8 | 16 | 32 | 64 | 128 | 1024,
      testLoopCount: 50,
    });
    const byName = Object.fromEntries(r.tests.map((s) => [s.name, s]));
    expect(byName.align_shift_alloc_test.failed).toBe(2);
    for (const n of ['fix_size_alloc_test', 'random_size_alloc_test', 'fix_align_alloc_test', 'pcpu_alloc_test']) {
      expect(byName[n]).toMatchObject({ passed: 2, failed: 0, loops: 50, repeat: 1 });
      expect(byName[n].avgUsec).toBeGreaterThan(0);
    }
    expect(r.workerCycles).toHaveLength(2);
    expect(r.run.metrics.stale_translations).toBe(0);
    expect(r.vmap.ledger.live).toBe(0);
  });

  it('charges long_busy_list O(n) on 2.6.27 (15,000 areas walked per alloc) and O(log n) on 5.2', () => {
    const run = (impl: string) =>
      runTestVmalloc({ machine: machine(1), impl, nrThreads: 1, runTestMask: 4, testLoopCount: 200 }).tests[0];
    const legacy = run('2.6.27');
    const rb = run('5.2');
    expect(legacy.passed).toBe(1);
    expect(legacy.avgUsec).toBeGreaterThan(5 * rb.avgUsec);
  });

  it('repeats with test_repeat_count and is deterministic per seed', () => {
    const go = () =>
      JSON.stringify(
        runTestVmalloc({
          machine: machine(4),
          impl: '6.9',
          nrThreads: 4,
          runTestMask: 1 | 8,
          testLoopCount: 30,
          testRepeatCount: 2,
        }).run,
      );
    const a = go();
    expect(a).toBe(go());
    expect(JSON.parse(a).metrics['fix_size_alloc_test.avg_usec']).toBeGreaterThan(0);
  });
});
