// `kmemsim report FILES… --out report.html`: charts and tables of result documents (sweep JSON lines or
// --format json outputs) in one self-contained page.
import { statSync } from 'node:fs';
import type { ResultDocument } from '@kmemsim/core';
import { defineAction } from '../framework/define.js';
import { UsageError } from '../framework/errors.js';
import { checkWritable, writeWhole } from '../framework/io.js';
import { text } from '../framework/options.js';

/** A report reads at most this much per input file (every document is rendered into one page). */
export const MAX_REPORT_INPUT_BYTES = 256 * 2 ** 20;
export const MAX_REPORT_TOTAL_BYTES = 512 * 2 ** 20;

async function readDocs(file: string, warn: (line: string) => void): Promise<ResultDocument[]> {
  const { ResultDocumentSchema } = await import('@kmemsim/core');
  const [{ readBounded }, { scanJsonLines }, { asHeader, readSweepOutput }] = await Promise.all([
    import('../framework/files.js'),
    import('../sweep/lines.js'),
    import('../sweep/format.js'),
  ]);
  const docs: ResultDocument[] = [];
  const check = (value: unknown, where: string) => {
    const doc = (value as { result?: unknown } | null)?.result ?? value;
    const r = ResultDocumentSchema.safeParse(doc);
    if (!r.success)
      throw new UsageError(
        `report: ${where}: not a kmemsim result (${r.error.issues[0].path.join('.')}: ${r.error.issues[0].message})`,
      );
    docs.push(r.data);
  };
  const text = readBounded(file, 'report', MAX_REPORT_INPUT_BYTES);
  // Read once (stdin can only be read once), then scanned from memory.
  const source = { name: file === '-' ? 'stdin' : file, data: Buffer.from(text) };
  const firstLine = text.slice(0, text.indexOf('\n') + 1 || text.length);
  let first: unknown;
  try {
    first = JSON.parse(firstLine);
  } catch {
    first = undefined;
  }
  if (asHeader(first)) {
    // A sweep output: its header, then point lines (the torn-last-line rule of sweep and merge).
    const r = readSweepOutput(source, 'report', (p, at) => check(p, `${source.name}:${at.n}`));
    if (r.scan.tornBytes > 0) warn(`${file}: a torn last line (${r.scan.tornBytes} bytes) is ignored`);
    return docs;
  }
  const trimmed = text.trim();
  if (trimmed.startsWith('{')) {
    let whole: unknown;
    try {
      whole = JSON.parse(trimmed);
    } catch {
      whole = undefined;
    }
    if (whole !== undefined) {
      check(whole, file);
      return docs;
    }
  }
  // JSON lines of result documents.
  const scan = scanJsonLines(source, 'report', (line) => check(line.value, `${source.name}:${line.n}`));
  // Nothing but a torn line: not results at all — one error, not a warning and then "no results".
  if (docs.length === 0 && scan.tornBytes > 0)
    throw new UsageError(
      `report: ${file} holds no results: its only line (${scan.tornBytes} bytes, no newline) is not JSON`,
    );
  if (scan.tornBytes > 0) warn(`${file}: a torn last line (${scan.tornBytes} bytes) is ignored`);
  return docs;
}

export const reportCommand = defineAction({
  kind: 'action',
  name: 'report',
  summary: 'write a self-contained HTML page of charts and tables from results (sweep JSON lines or JSON documents)',
  examples: [
    'kmemsim sweep vmap.yaml --out vmap.jsonl && kmemsim report vmap.jsonl --out vmap.html',
    'kmemsim vmap-bench --format json > a.json && kmemsim report a.json --out a.html',
  ],
  options: {
    files: text({
      description: 'sweep outputs (.jsonl) or `--format json` documents; - reads stdin',
      positional: true,
      list: true,
      required: true,
      placeholder: '<files...>',
      maxItems: 4096,
    }),
    out: text({ description: 'the HTML file', placeholder: '<file>', defaultText: 'stdout' }),
    title: text({ description: 'page title', maxLength: 200, default: 'kmemsim report' }),
  },
  async run(o, ctx) {
    if (o.out !== undefined) checkWritable(o.out, '--out');
    let total = 0;
    for (const f of o.files) {
      if (f === '-') continue;
      try {
        total += statSync(f).size;
      } catch {
        // readDocs names the file
      }
    }
    if (total > MAX_REPORT_TOTAL_BYTES)
      throw new UsageError(
        `report: the inputs hold ${total} bytes, more than the ${MAX_REPORT_TOTAL_BYTES} one page may show`,
      );
    const docs: ResultDocument[] = [];
    for (const f of o.files) docs.push(...(await readDocs(f, ctx.warn)));
    if (docs.length === 0) throw new UsageError(`report: no results in ${o.files.join(', ')}`);
    const { reportHtml } = await import('../report/html.js');
    const html = await reportHtml(docs, o.title);
    if (o.out !== undefined) writeWhole(o.out, html, '--out');
    else await ctx.out(html);
    return 0;
  },
});
