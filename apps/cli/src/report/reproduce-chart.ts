// reproduce as a chart: per published figure, the model's error against it, inside the figure's tolerance band.
import type { ResultDocument } from '@kmemsim/core';
import { NO_LIMIT } from './encode.js';

type Spec = Record<string, unknown>;

export function reproduceChart(docs: ResultDocument[]): {
  title: string;
  spec: Spec;
  channels: Record<string, string>;
} {
  const values = docs.flatMap((d) =>
    d.runs.map((r) => {
      const m = r.metrics;
      const tolPct =
        m.tolerance_abs !== undefined && m.published !== 0
          ? (100 * m.tolerance_abs) / Math.abs(m.published)
          : (m.tolerance_pct ?? 0);
      const missing = m.model_missing === 1;
      const role = String(r.variant.role);
      // A bound (absent from a published top N) allows anything up to the Nth row's count: −100 % to 0.
      const bound = m.bound === 1;
      return {
        figure: String(r.variant.figure),
        role,
        error: missing ? null : m.error_pct,
        lo: bound ? -100 : -tolPct,
        hi: bound ? 0 : tolPct,
        verdict: missing ? 'no value' : m.within === 1 ? 'ok' : role === 'calibration' ? 'OUT' : 'off',
      };
    }),
  );
  const figures = values.map((v) => v.figure);
  const y = { field: 'figure', type: 'nominal', title: null, sort: figures, axis: { ...NO_LIMIT, labelFontSize: 10 } };
  return {
    title: 'reproduce: model error against each published figure, with its tolerance band',
    channels: { y: 'figure', color: 'verdict' },
    spec: {
      data: { values },
      width: 420,
      height: { step: 16 },
      layer: [
        {
          mark: { type: 'bar', color: '#9ecae1', opacity: 0.6, height: { band: 0.7 } },
          encoding: {
            y,
            x: { field: 'lo', type: 'quantitative', title: 'model error vs published (%)' },
            x2: { field: 'hi' },
          },
        },
        { mark: { type: 'rule', color: '#555' }, encoding: { x: { datum: 0 } } },
        {
          mark: { type: 'point', filled: true, size: 70 },
          encoding: {
            y,
            x: { field: 'error', type: 'quantitative' },
            color: {
              field: 'verdict',
              type: 'nominal',
              title: 'verdict',
              scale: { domain: ['ok', 'off', 'OUT', 'no value'], range: ['#1a7f37', '#d4a017', '#cf222e', '#888'] },
            },
            shape: { field: 'role', type: 'nominal', title: 'role' },
          },
        },
      ],
    },
  };
}
