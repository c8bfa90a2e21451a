// vega-lite → SVG in Node, no DOM (renderer 'none' + toSVG), loaded only when a chart is asked for. The chart's
// provenance goes into the SVG as <metadata>.

import { svgMetadata } from './caption.js';
import type { Chart } from './charts.js';

export async function specToSvg(spec: Record<string, unknown>): Promise<string> {
  const vl = await import('vega-lite');
  return vegaToSvg(vl.compile(spec as never).spec as Record<string, unknown>);
}

/** A full vega spec (flame graphs: stratify + partition) → SVG. */
export async function vegaToSvg(spec: Record<string, unknown>): Promise<string> {
  const vega = await import('vega');
  const view = new vega.View(vega.parse(spec as never), { renderer: 'none' });
  const svg = await view.toSVG();
  view.finalize();
  return svg;
}

export async function chartSvg(chart: Chart): Promise<string> {
  const svg = await specToSvg(chart.spec);
  return svg.replace(/^(<svg[^>]*>)/, `$1${svgMetadata(chart.provenance)}`);
}
