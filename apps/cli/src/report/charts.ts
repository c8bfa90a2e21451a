// One chart layer for `--format svg`, `report` and `reproduce --format html|svg`: the chart a kernel developer
// would draw for each command (defs.ts), built so that every swept option is encoded (build.ts), with published
// figures overlaid and the provenance as its caption and SVG metadata (caption.ts).
import type { ResultDocument } from '@kmemsim/core';
import { buildChart } from './build.js';
import { captionLines, type Provenance, provenanceOf } from './caption.js';
import { defsFor } from './defs.js';
import { analyse } from './dims.js';
import { NO_LIMIT } from './encode.js';
import { publishedFor } from './published.js';
import { reproduceChart } from './reproduce-chart.js';

type Spec = Record<string, unknown>;

export interface Chart {
  spec: Spec;
  provenance: Provenance;
  /** Per panel, the dimension each channel encodes (x, xOffset, color, column, row, facet). */
  channels: Record<string, string>[];
}

export const CONFIG = {
  font: 'DejaVu Sans, Helvetica, Arial, sans-serif',
  view: { stroke: null },
  axis: { ...NO_LIMIT, labelFontSize: 11, titleFontSize: 12 },
  legend: { ...NO_LIMIT, labelFontSize: 11, titleFontSize: 12 },
  header: { ...NO_LIMIT, labelFontSize: 11, titleFontSize: 12 },
  title: { anchor: 'start', fontSize: 15, subtitleFontSize: 11, subtitleColor: '#333', subtitlePadding: 6, offset: 12 },
};

export async function chartFor(command: string, docs: ResultDocument[]): Promise<Chart | null> {
  if (docs.length === 0 || docs.every((d) => d.runs.length === 0)) return null;
  const dims = analyse(docs);
  if (command === 'reproduce') {
    // Each figure has its own configuration (its command line is in the table): the caption says how it was run.
    const provenance = provenanceOf(command, docs, { ...dims, varying: [], constant: {} }, []);
    const r = reproduceChart(docs);
    return { spec: wrap(r.title, provenance, r.spec), provenance, channels: [r.channels] };
  }
  const defs = defsFor(command, dims.refs);
  if (defs.length === 0) return null;
  const published = await publishedFor(dims.refs);
  const built = defs.map((d) => ({ def: d, ...buildChart(d, dims, published) }));
  const provenance = provenanceOf(
    command,
    docs,
    dims,
    built.flatMap((b) => b.drawn),
  );
  const body: Spec =
    built.length === 1
      ? built[0].spec
      : {
          vconcat: built.map((b) => ({ title: { text: b.def.title, fontSize: 13 }, ...b.spec })),
          spacing: 28,
          resolve: {
            scale: { color: 'independent', y: 'independent', x: 'independent', xOffset: 'independent' },
            legend: { color: 'independent' },
          },
        };
  const title = built.length === 1 ? built[0].def.title : `${command}: ${built.map((b) => b.def.yTitle).join(' and ')}`;
  return { spec: wrap(title, provenance, body), provenance, channels: built.map((b) => b.channels) };
}

function wrap(title: string, p: Provenance, body: Spec): Spec {
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: title, subtitle: captionLines(p) },
    background: 'white',
    padding: 12,
    config: CONFIG,
    ...body,
  };
}
