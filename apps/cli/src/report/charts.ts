// The natural chart of each command, as a vega-lite spec over its rows. Unknown commands get a bar chart of
// their first metric per variant.
import type { ResultDocument } from '@kmemsim/core';
import { type Row, rowsOf } from './rows.js';

type Spec = Record<string, unknown>;

const base = (title: string, values: Row[]): Spec => ({
  $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
  title,
  width: 480,
  height: 260,
  data: { values },
  config: { font: 'sans-serif', view: { stroke: null } },
});

/** Folds columns into (key, value) rows, for stacked or grouped bars. */
function fold(rows: Row[], keys: string[], by: string[]): Row[] {
  return rows.flatMap((r) =>
    keys
      .filter((k) => typeof r[k] === 'number')
      .map((k) => ({ ...Object.fromEntries(by.map((b) => [b, r[b]])), part: k, value: r[k] as number })),
  );
}

export function chartFor(command: string, docs: ResultDocument[]): Spec | null {
  const rows = rowsOf(docs);
  if (rows.length === 0) return null;
  const has = (k: string) => rows.some((r) => r[k] !== undefined);
  switch (command) {
    case 'vmap-bench':
      if (has('threads') && has('ns_per_op'))
        return {
          ...base('vmap-bench: ns per map+touch+unmap vs threads', rows),
          mark: { type: 'line', point: true },
          encoding: {
            x: { field: 'threads', type: 'quantitative', scale: { type: 'log', base: 2 }, title: 'threads' },
            y: { field: 'ns_per_op', type: 'quantitative', title: 'ns per op' },
            color: { field: 'impl', type: 'nominal' },
          },
        };
      break;
    case 'vmcore-dump': {
      const keys = ['syscalls_mmap', 'syscalls_munmap', 'syscalls_read'];
      if (keys.some(has)) {
        const values = fold(rows, keys, ['label']).map((r) => ({
          ...r,
          part: String(r.part).replace('syscalls_', ''),
        }));
        return {
          ...base('vmcore-dump: syscalls per access mode and dump level', values),
          mark: 'bar',
          encoding: {
            x: { field: 'label', type: 'nominal', title: null, axis: { labelAngle: -20 } },
            xOffset: { field: 'part' },
            y: { field: 'value', type: 'quantitative', scale: { type: 'symlog' }, title: 'calls' },
            color: { field: 'part', type: 'nominal', title: 'syscall' },
          },
        };
      }
      break;
    }
    case 'checkpoint':
      return {
        ...base('checkpoint: time split per kmap variant', fold(rows, ['user_s', 'sys_s', 'wait_s'], ['label'])),
        mark: 'bar',
        encoding: {
          x: { field: 'label', type: 'nominal', title: null },
          y: { field: 'value', type: 'quantitative', stack: 'zero', title: 'seconds' },
          color: { field: 'part', type: 'nominal', title: 'time', sort: ['user_s', 'sys_s', 'wait_s'] },
        },
      };
    case 'rmap-fork':
      if (has('overhead_pct'))
        return {
          ...base('rmap-fork: overhead vs no rmap, per variant', rows),
          mark: 'bar',
          encoding: {
            x: { field: 'label', type: 'nominal', title: null, axis: { labelAngle: -20 } },
            y: { field: 'overhead_pct', type: 'quantitative', title: 'overhead (%)' },
          },
        };
      break;
    case 'reproduce':
      return {
        ...base('reproduce: model error per published figure', rows),
        mark: 'bar',
        encoding: {
          y: { field: 'figure', type: 'nominal', title: null, sort: null },
          x: { field: 'error_pct', type: 'quantitative', title: 'error (%)' },
          color: { field: 'role', type: 'nominal' },
        },
        height: { step: 14 },
      };
  }
  const metric = Object.keys(docs[0].runs[0]?.metrics ?? {})[0];
  if (!metric) return null;
  return {
    ...base(`${command}: ${metric} per variant`, rows),
    mark: 'bar',
    encoding: {
      x: { field: 'label', type: 'nominal', title: null, axis: { labelAngle: -20 } },
      y: { field: metric, type: 'quantitative' },
    },
  };
}
