// Flame graphs from a run's folded stacks, laid out by vega (stratify + partition) and rendered to SVG: the root
// at the bottom, each frame as wide as its share of the CPU cycles, children stacked above their caller.
import type { ResultDocument, Stack } from '@kmemsim/core';
import { vegaToSvg } from './svg.js';

interface Node {
  id: string;
  parent: string | null;
  name: string;
  /** Cycles charged with this frame as the innermost (the symbol itself). */
  self: number;
  /** Cycles of this frame and everything above it. */
  total: number;
  depth: number;
}

/** The tree of frames under one root, from folded stacks. */
export function flameTree(stacks: readonly Stack[], root = 'all'): Node[] {
  // Ids are paths from a non-empty root id (d3's stratify takes an empty parent id for "no parent").
  const nodes = new Map<string, Node>();
  nodes.set('^', { id: '^', parent: null, name: root, self: 0, total: 0, depth: 0 });
  for (const s of stacks) {
    const frames = s.stack.split(';');
    let id = '^';
    nodes.get('^')!.total += s.cycles;
    frames.forEach((f, i) => {
      const parent = id;
      id = `${id};${f}`;
      let n = nodes.get(id);
      if (!n) nodes.set(id, (n = { id, parent, name: f, self: 0, total: 0, depth: i + 1 }));
      n.total += s.cycles;
      if (i === frames.length - 1) n.self += s.cycles;
    });
  }
  return [...nodes.values()];
}

const WARM = [
  '#e5623c',
  '#e8833a',
  '#eba43c',
  '#f0c04a',
  '#d9542f',
  '#e97d2e',
  '#f2b134',
  '#db6f3a',
  '#cf4a2e',
  '#f4cf5a',
];

/** A vega spec of the flame graph (exported for tests: the layout is vega's). */
export function flameSpec(nodes: Node[], title: string, width = 960): Record<string, unknown> {
  const depth = Math.max(...nodes.map((n) => n.depth)) + 1;
  const total = nodes.find((n) => n.parent === null)?.total ?? 0;
  const rowH = 18;
  const names = [...new Set(nodes.map((n) => n.name))].sort();
  return {
    $schema: 'https://vega.github.io/schema/vega/v6.json',
    width,
    height: depth * rowH,
    padding: 6,
    background: 'white',
    title: { text: title, anchor: 'start', fontSize: 13, font: 'DejaVu Sans, Helvetica, Arial, sans-serif' },
    data: [
      {
        name: 'tree',
        values: nodes.map((n) => ({ ...n, pct: total > 0 ? (100 * n.total) / total : 0 })),
        transform: [
          { type: 'stratify', key: 'id', parentKey: 'parent' },
          {
            type: 'partition',
            field: 'self',
            sort: { field: 'name' },
            size: [{ signal: 'width' }, { signal: 'height' }],
            as: ['x0', 'y0', 'x1', 'y1', 'pdepth', 'children'],
          },
        ],
      },
    ],
    scales: [{ name: 'color', type: 'ordinal', domain: names, range: WARM }],
    marks: [
      {
        type: 'rect',
        from: { data: 'tree' },
        encode: {
          enter: {
            x: { field: 'x0' },
            x2: { field: 'x1' },
            y: { signal: `height - datum.y1 + 1` },
            y2: { signal: `height - datum.y0` },
            fill: { scale: 'color', field: 'name' },
            stroke: { value: 'white' },
            strokeWidth: { value: 0.5 },
            description: {
              signal: `datum.name + ': ' + format(datum.total, ',') + ' cycles, ' + format(datum.pct, '.2f') + '%'`,
            },
          },
        },
      },
      {
        type: 'text',
        from: { data: 'tree' },
        interactive: false,
        encode: {
          enter: {
            x: { signal: 'datum.x0 + 3' },
            y: { signal: `height - (datum.y0 + datum.y1) / 2` },
            baseline: { value: 'middle' },
            font: { value: 'DejaVu Sans Mono, Menlo, monospace' },
            fontSize: { value: 10.5 },
            fill: { value: '#111' },
            limit: { signal: 'max(0, datum.x1 - datum.x0 - 6)' },
            text: { signal: `datum.x1 - datum.x0 < 24 ? '' : datum.name` },
          },
        },
      },
    ],
  };
}

export async function flameSvg(stacks: readonly Stack[], title: string, root = 'all'): Promise<string> {
  return vegaToSvg(flameSpec(flameTree(stacks, root), title));
}

/** Brendan Gregg's folded format: one `frame;frame;symbol cycles` line per stack. */
export function foldedText(stacks: readonly Stack[], prefix?: string): string {
  return stacks.map((s) => `${prefix ? `${prefix};` : ''}${s.stack} ${Math.round(s.cycles)}`).join('\n');
}

/**
 * `--format folded`: every run's stacks, for flamegraph.pl, speedscope or inferno. With several runs, each stack
 * starts with the run's variant (`impl=legacy,threads=8;vmap-bench;…`) so the runs stay apart.
 */
export function foldedOf(doc: ResultDocument): string {
  const several = doc.runs.length > 1;
  return doc.runs
    .filter((r) => (r.stacks?.length ?? 0) > 0)
    .map((r) => {
      const label = Object.entries(r.variant)
        .map(([k, v]) => `${k}=${v}`)
        .join(',')
        .replace(/[;\s]/g, '_');
      return foldedText(r.stacks ?? [], several ? label : undefined);
    })
    .join('\n');
}
