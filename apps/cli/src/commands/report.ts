// `kmemsim report FILES… --out report.html`: charts and tables of result documents (sweep JSON lines or
// --format json outputs) in one self-contained page.
import { readFileSync } from 'node:fs';
import type { ResultDocument } from '@kmemsim/core';
import { defineAction } from '../framework/define.js';
import { UsageError } from '../framework/errors.js';
import { checkWritable, writeWhole } from '../framework/io.js';
import { text } from '../framework/options.js';

async function readDocs(file: string): Promise<ResultDocument[]> {
  const { ResultDocumentSchema } = await import('@kmemsim/core');
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new UsageError(`report: cannot read ${file} (${(err as NodeJS.ErrnoException).code})`);
  }
  const docs: ResultDocument[] = [];
  const check = (value: unknown, where: string) => {
    const doc = (value as { result?: unknown })?.result ?? value;
    const r = ResultDocumentSchema.safeParse(doc);
    if (!r.success)
      throw new UsageError(
        `report: ${where}: not a kmemsim result (${r.error.issues[0].path.join('.')}: ${r.error.issues[0].message})`,
      );
    docs.push(r.data);
  };
  const trimmed = text.trim();
  if (trimmed.startsWith('{') && !trimmed.includes('\n{')) {
    try {
      check(JSON.parse(trimmed), file);
      return docs;
    } catch (err) {
      if (err instanceof UsageError) throw err;
    }
  }
  for (const [i, line] of text.split('\n').entries()) {
    if (!line.trim()) continue;
    let v: unknown;
    try {
      v = JSON.parse(line);
    } catch {
      throw new UsageError(`report: ${file}:${i + 1}: not JSON (expected sweep JSON lines or one result document)`);
    }
    check(v, `${file}:${i + 1}`);
  }
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
      description: 'sweep outputs (.jsonl) or `--format json` documents',
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
    const docs = (await Promise.all(o.files.map(readDocs))).flat();
    if (docs.length === 0) throw new UsageError(`report: no results in ${o.files.join(', ')}`);
    const { reportHtml } = await import('../report/html.js');
    const html = await reportHtml(docs, o.title);
    if (o.out !== undefined) writeWhole(o.out, html, '--out');
    else await ctx.out(html);
    return 0;
  },
});
