// Per command, the chart a kernel developer would draw: what is on x, what is grouped or coloured, which
// measures are on y. The builder (build.ts) adds every other swept option as a facet and aggregates seeds.
import type { RunRef } from './dims.js';

export interface Measure {
  /** The value of the measure dimension (a syscall, a test case, a time part). */
  name: string;
  /** Where the value is in a run, as calibration figures name it (metrics.ns_per_op, time.real_s …). */
  path: string;
}

export interface ChartDef {
  title: string;
  yTitle: string;
  mark: 'line' | 'bar';
  measures(refs: RunRef[]): Measure[];
  /** The dimension the measures form when there are several (bars per syscall, per case …). */
  measureDim?: string;
  x: string;
  xOffset?: string;
  /** Colour by one dimension, or by the combination of the listed ones that vary. */
  color?: string | string[];
  /** A dimension preferred as the column facet. */
  column?: string;
}

const metric = (name: string): Measure[] => [{ name, path: `metrics.${name}` }];

const VMAP_BENCH: ChartDef = {
  title: 'vmap-bench: ns per map+touch+unmap vs threads, per design',
  yTitle: 'ns per op',
  mark: 'line',
  measures: () => metric('ns_per_op'),
  x: 'threads',
  color: 'impl',
};

/** test_vmalloc prints `<case>.avg_usec` per case: every case of the run is a bar group. */
const TEST_VMALLOC: ChartDef = {
  title: 'test-vmalloc: average µs per test case, per design',
  yTitle: 'µs per case (avg_usec)',
  mark: 'bar',
  measures: (refs) => {
    const cases: string[] = [];
    for (const r of refs)
      for (const k of Object.keys(r.run.metrics))
        if (k.endsWith('.avg_usec') && !cases.includes(k.slice(0, -9))) cases.push(k.slice(0, -9));
    return cases.map((c) => ({ name: c, path: `metrics.${c}.avg_usec` }));
  },
  measureDim: 'case',
  x: 'case',
  xOffset: 'impl',
  color: 'impl',
};

const SYSCALLS = ['mmap', 'munmap', 'read'];

const VMCORE_SYSCALLS: ChartDef = {
  title: 'vmcore-dump: system calls per dump level and access mode',
  yTitle: 'calls',
  mark: 'bar',
  measures: () => SYSCALLS.map((s) => ({ name: s, path: `counters.syscalls.${s}` })),
  measureDim: 'syscall',
  x: 'dump_level',
  xOffset: 'syscall',
  color: 'syscall',
  column: 'access',
};

const VMCORE_TIME: ChartDef = {
  title: 'vmcore-dump: time per dump level and access mode',
  yTitle: 'seconds',
  mark: 'bar',
  measures: () => ['real_s', 'user_s', 'sys_s'].map((t) => ({ name: t, path: `time.${t}` })),
  measureDim: 'time',
  x: 'dump_level',
  xOffset: 'time',
  color: 'time',
  column: 'access',
};

const RMAP_FORK: ChartDef = {
  title: 'rmap-fork: overhead against no rmap, per design',
  yTitle: 'overhead vs none (%)',
  mark: 'bar',
  measures: () => metric('overhead_pct'),
  x: 'rmap',
  xOffset: 'config',
  color: ['direct', 'lock', 'batch'],
};

const CHECKPOINT: ChartDef = {
  title: 'checkpoint: time per kmap variant',
  yTitle: 'seconds',
  mark: 'bar',
  measures: () => ['real_s', 'user_s', 'sys_s'].map((t) => ({ name: t, path: `time.${t}` })),
  measureDim: 'time',
  x: 'map',
  xOffset: 'time',
  color: 'time',
};

const DEFS: Record<string, ChartDef[]> = {
  'vmap-bench': [VMAP_BENCH],
  'test-vmalloc': [TEST_VMALLOC],
  'vmcore-dump': [VMCORE_SYSCALLS, VMCORE_TIME],
  'rmap-fork': [RMAP_FORK],
  checkpoint: [CHECKPOINT],
};

/** A command without a chart of its own: its first metric per configuration. */
function generic(command: string, refs: RunRef[]): ChartDef[] {
  const first = Object.keys(refs[0]?.run.metrics ?? {})[0];
  if (!first) return [];
  return [
    {
      title: `${command}: ${first} per configuration`,
      yTitle: first,
      mark: 'bar',
      measures: () => metric(first),
      x: 'config',
    },
  ];
}

export function defsFor(command: string, refs: RunRef[]): ChartDef[] {
  return DEFS[command] ?? generic(command, refs);
}
