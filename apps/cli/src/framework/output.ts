// Renders a result document in the chosen format.
import type { ResultDocument } from '@kmemsim/core';
import { toCsv } from './csv.js';
import type { Format, ResultCommand } from './define.js';
import { UsageError } from './errors.js';
import { docHeader, runsTable } from './table.js';

export async function render(doc: ResultDocument, format: Format, def: ResultCommand): Promise<string> {
  const own = await def.renderFormat?.(doc, format);
  if (own !== undefined) return own;
  switch (format) {
    case 'json':
      return `${JSON.stringify(doc, null, 2)}\n`;
    case 'csv':
      return toCsv(doc);
    case 'svg': {
      const [{ chartFor }, { chartSvg }, { ChartError }] = await Promise.all([
        import('../report/charts.js'),
        import('../report/svg.js'),
        import('../report/build.js'),
      ]);
      try {
        const chart = await chartFor(doc.command, [doc]);
        if (!chart) throw new UsageError(`--format svg: ${def.name} produced nothing to chart`);
        return `${await chartSvg(chart)}\n`;
      } catch (err) {
        if (err instanceof ChartError) throw new UsageError(`--format svg: ${err.message}`);
        throw err;
      }
    }
    case 'folded': {
      const { foldedOf } = await import('../report/flame.js');
      const text = foldedOf(doc);
      if (!text) throw new UsageError(`--format folded: ${def.name} recorded no call paths`);
      return `${text}\n`;
    }
    case 'table':
      return `${def.renderTable ? def.renderTable(doc) : `${docHeader(doc)}\n${runsTable(doc)}`}\n`;
    default:
      throw new UsageError(`--format: ${format} is not available for ${def.name}`);
  }
}
