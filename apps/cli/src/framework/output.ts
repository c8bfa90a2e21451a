// Renders a result document in the chosen format.
import type { ResultDocument } from '@kmemsim/core';
import { toCsv } from './csv.js';
import type { Format, ResultCommand } from './define.js';
import { UsageError } from './errors.js';
import type { Io } from './io.js';
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
    case 'table':
      return `${def.renderTable ? def.renderTable(doc) : `${docHeader(doc)}\n${runsTable(doc)}`}\n`;
    default:
      throw new UsageError(`--format: ${format} is not available for ${def.name}`);
  }
}

/** Progress on stderr, only when stderr is a terminal (DESIGN.md). */
export function ttyProgress(io: Io): (done: number, total: number, label: string) => void {
  if (!io.stderrIsTTY) return () => {};
  return (done, total, label) => {
    io.stderr(`\r\x1b[K[${done}/${total}] ${label}`);
    if (done === total) io.stderr('\r\x1b[K');
  };
}
