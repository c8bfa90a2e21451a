// `kmemsim report FILES… --out report.html`: charts and tables of result documents (sweep JSON lines or
// --format json outputs) in one self-contained page.
import { readFileSync } from 'node:fs';
import type { ResultDocument } from '@kmemsim/core';
import type { Command } from 'commander';
import { UsageError } from '../framework/errors.js';
import { emit } from '../framework/output.js';

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

export function registerReport(program: Command): void {
  program
    .command('report')
    .description(
      'write a self-contained HTML page of charts and tables from results (sweep JSON lines or JSON documents)',
    )
    .argument('<files...>', 'sweep outputs (.jsonl) or `--format json` documents')
    .option('--out <file>', 'the HTML file (default: stdout)')
    .option('--title <text>', 'page title (default: kmemsim report)')
    .addHelpText(
      'after',
      '\nExamples:\n  kmemsim sweep vmap.yaml --out vmap.jsonl && kmemsim report vmap.jsonl --out vmap.html\n  kmemsim vmap-bench --format json > a.json && kmemsim report a.json --out a.html',
    )
    .configureOutput({ outputError: () => {} })
    .exitOverride()
    .action(async (files: string[], opts: { out?: string; title?: string }) => {
      const docs = (await Promise.all(files.map(readDocs))).flat();
      if (docs.length === 0) throw new UsageError(`report: no results in ${files.join(', ')}`);
      const { reportHtml } = await import('../report/html.js');
      emit(await reportHtml(docs, opts.title), opts.out);
    });
}
