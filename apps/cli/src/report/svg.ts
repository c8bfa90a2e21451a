// vega-lite → SVG in Node, no DOM (renderer 'none' + toSVG), loaded only when a chart is asked for. vega and
// vega-lite are optional peer dependencies (~23 MB): `npm i kmemsim` stays small and charts need them installed
// beside it; without them, asking for a chart is one line naming what to install.
import { UsageError } from '../framework/errors.js';
import { svgMetadata } from './caption.js';
import type { Chart } from './charts.js';

export const SVG_PACKAGES = 'vega@^6.4.0 vega-lite@^6.4.3';

type Importer = (name: 'vega' | 'vega-lite') => Promise<unknown>;
const nativeImport: Importer = (name) => (name === 'vega' ? import('vega') : import('vega-lite'));

function isMissing(err: unknown, name: string): boolean {
  const e = err as NodeJS.ErrnoException;
  return (
    (e?.code === 'ERR_MODULE_NOT_FOUND' || e?.code === 'MODULE_NOT_FOUND') &&
    new RegExp(`['"]${name}['"/]`).test(e.message)
  );
}

/** Loads vega and vega-lite, or throws a UsageError saying how to install them (`load` is a seam for tests). */
export async function loadVega(
  load: Importer = nativeImport,
): Promise<{ vega: typeof import('vega'); vl: typeof import('vega-lite') }> {
  const get = async <T>(name: 'vega' | 'vega-lite'): Promise<T> => {
    try {
      return (await load(name)) as T;
    } catch (err) {
      if (!isMissing(err, name)) throw err;
      throw new UsageError(
        `charts (--format svg, report) need the optional packages ${SVG_PACKAGES}: install them beside kmemsim ` +
          `(npm i ${SVG_PACKAGES}, or npm i -g … for a global kmemsim)`,
      );
    }
  };
  const [vega, vl] = await Promise.all([
    get<typeof import('vega')>('vega'),
    get<typeof import('vega-lite')>('vega-lite'),
  ]);
  return { vega, vl };
}

export async function specToSvg(spec: Record<string, unknown>): Promise<string> {
  const { vl } = await loadVega();
  return vegaToSvg(vl.compile(spec as never).spec as Record<string, unknown>);
}

/** A full vega spec (flame graphs: stratify + partition) → SVG. */
export async function vegaToSvg(spec: Record<string, unknown>): Promise<string> {
  const { vega } = await loadVega();
  const view = new vega.View(vega.parse(spec as never), { renderer: 'none' });
  const svg = await view.toSVG();
  view.finalize();
  return svg;
}

export async function chartSvg(chart: Chart): Promise<string> {
  const svg = await specToSvg(chart.spec);
  return svg.replace(/^(<svg[^>]*>)/, `$1${svgMetadata(chart.provenance)}`);
}
