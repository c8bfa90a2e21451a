// Renders a result document in the chosen format and writes it to stdout or --out.
import { writeFileSync } from 'node:fs';
import type { ResultDocument } from '@kmemsim/core';
import type { CommandModule, Format } from './command.js';
import { toCsv } from './csv.js';
import { UsageError } from './errors.js';
import { docHeader, runsTable } from './table.js';

export async function render(doc: ResultDocument, format: Format, mod: CommandModule): Promise<string> {
  const own = await mod.renderFormat?.(doc, format);
  if (own !== undefined) return own;
  switch (format) {
    case 'json':
      return `${JSON.stringify(doc, null, 2)}\n`;
    case 'csv':
      return toCsv(doc);
    case 'svg': {
      const [{ chartFor }, { specToSvg }] = await Promise.all([
        import('../report/charts.js'),
        import('../report/svg.js'),
      ]);
      const spec = chartFor(doc.command, [doc]);
      if (!spec) throw new UsageError(`--format svg: ${mod.name} produced nothing to chart`);
      return `${await specToSvg(spec)}
`;
    }
    case 'table':
      return `${mod.renderTable ? mod.renderTable(doc) : `${docHeader(doc)}\n${runsTable(doc)}`}\n`;
    default:
      throw new UsageError(`--format: ${format} is not available for ${mod.name}`);
  }
}

export function emit(text: string, out: string | undefined): void {
  if (out) {
    try {
      writeFileSync(out, text);
    } catch (err) {
      throw new UsageError(
        `--out: cannot write ${out}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
      );
    }
  } else process.stdout.write(text);
}

/** Progress on stderr, only when stderr is a terminal (DESIGN.md). */
export function ttyProgress(): (done: number, total: number, label: string) => void {
  if (!process.stderr.isTTY) return () => {};
  return (done, total, label) => {
    process.stderr.write(`\r\x1b[K[${done}/${total}] ${label}`);
    if (done === total) process.stderr.write('\r\x1b[K');
  };
}
