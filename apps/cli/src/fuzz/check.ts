// What every run must satisfy, whatever the input: an exit code of 0, 1 or 2; never a stack trace or a crash
// report; on failure exactly one line (after any warnings) naming the problem; on success with --format json, a
// document the result schema accepts.
import { ResultDocumentSchema } from '@kmemsim/core';

export interface Outcome {
  code: number;
  out: string;
  err: string;
}

const CRASH =
  /\n\s+at .+[:(]\d+|Unhandled|bad_alloc|FATAL ERROR|Segmentation|Aborted|heap out of memory|RangeError: Maximum call stack/;

/** Problems with one outcome (empty: it holds). */
export function outcomeProblems(args: readonly string[], r: Outcome, resultCommand: boolean): string[] {
  const p: string[] = [];
  if (![0, 1, 2].includes(r.code)) p.push(`exit code ${r.code}`);
  if (CRASH.test(r.err)) p.push('a stack trace or crash report on stderr');
  const lines = r.err
    .split('\n')
    .filter((l) => l !== '' && !l.startsWith('kmemsim: warning: ') && !l.startsWith('sweep: '));
  if (r.code !== 0) {
    if (lines.length !== 1) p.push(`${lines.length} error lines on stderr (expected 1)`);
    else if (!lines[0].startsWith('kmemsim: ')) p.push('the error line does not start with "kmemsim: "');
    // Exit 1 is for failures while running (output that cannot be written); an internal error on generated input
    // is bad input reported wrongly (issue 15, failure 11).
    if (r.code === 1 && /^kmemsim: error: /.test(lines[0] ?? '')) p.push(`an internal error: ${lines[0]}`);
  } else if (lines.length > 0) p.push(`unexpected stderr on success: ${lines[0]}`);
  const help = args.some((a) => a === '--help' || a === '-h' || a === '-V' || a === '--version');
  const fmt = args.lastIndexOf('--format');
  const json = fmt >= 0 && args[fmt + 1] === 'json' && !args.includes('--out');
  if (r.code === 0 && resultCommand && json && !help) {
    try {
      const doc = ResultDocumentSchema.safeParse(JSON.parse(r.out));
      if (!doc.success) p.push(`the JSON output is not a result document: ${doc.error.issues[0]?.message}`);
    } catch {
      p.push('--format json printed something that is not JSON');
    }
  }
  return p;
}
