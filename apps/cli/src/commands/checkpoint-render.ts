// The text and Markdown views of a checkpoint result: time(1) and readprofile per variant, the comparison across
// variants, and the sensitivity verdicts. Markdown (--format md) prints the same rows as Markdown tables.
import { formatReadprofile, formatTime, type ResultDocument } from '@kmemsim/core';
import { type Cell, docHeader, mdTable, table } from '../framework/table.js';
import type { SensEntry } from '../report/caption.js';

type TableFn = (head: string[], rows: Cell[][]) => string;

/** time(1)'s user line when no mechanism or fitted value gives the checkpointing task user time (not zero). */
const USER_UNMODELLED = 'user\t(unmodelled: the checkpointing task’s user-space work; --experiment seed000 fits it)';

/**
 * readprofile(1) lists only symbols that took ticks (`-a` would add the zero rows): a short run whose every
 * symbol rounds to 0 ticks says so in one line instead of printing a list of zeros.
 */
function readprofileLines(rows: ResultDocument['runs'][number]['profile']): string {
  const ticked = rows.filter((r) => r.ticks > 0);
  return ticked.length > 0
    ? formatReadprofile(ticked)
    : '     0 (no symbol took a tick: the run is shorter than one tick per symbol)';
}

/** The text output of `kmemsim checkpoint`: time(1) and readprofile per variant, the comparison, the verdicts. */
export function renderCheckpoint(doc: ResultDocument): string {
  const size = Number(doc.params.size_bytes);
  const out = [docHeader(doc), `${(size / 2 ** 20).toLocaleString('en-US')} MiB, PAE ${doc.params.pae ? 'on' : 'off'}`];
  for (const r of doc.runs) {
    const time = formatTime(r.time);
    const user = r.time.user_s === null ? time.replace(/^user\t.*$/m, USER_UNMODELLED) : time;
    out.push('', `== --map ${r.variant.map} ==`, user, '');
    out.push(
      `readprofile (ticks at ${doc.params.readprofile_hz} Hz, load = ticks / size):`,
      readprofileLines(r.profile),
    );
  }
  out.push('', comparisonTitle(doc), comparison(doc, table));
  out.push(...sensitivityBlock(doc));
  return out.join('\n');
}

function sensitivityLines(s: {
  verdict: string;
  entries: { parameter: string; lo: number; hi: number; verdict_lo: string; verdict_hi: string; flips: boolean }[];
}): string[] {
  const order = s.verdict.split(' < ');
  const before = (v: string, a: string, b: string) => v.split(' < ').indexOf(a) < v.split(' < ').indexOf(b);
  // Each pair of variants: does its order hold at both ends of every range?
  const pairs = order.flatMap((a, i) => order.slice(i + 1).map((b) => [a, b] as const));
  const pairLines = pairs.map(([a, b]) => {
    const n = s.entries.filter((e) => !before(e.verdict_lo, a, b) || !before(e.verdict_hi, a, b)).length;
    return n === 0
      ? `  ${a} < ${b}: holds across all ${s.entries.length} [U] ranges`
      : `  ${a} < ${b}: flips within ${n} of ${s.entries.length} [U] ranges`;
  });
  const flips = s.entries.filter((e) => e.flips);
  return [
    `verdict by sys time: ${s.verdict}`,
    ...pairLines,
    ...flips.map(
      (e) => `  ${e.parameter} [U ${e.lo}..${e.hi}]: at ${e.lo} ${e.verdict_lo}; at ${e.hi} ${e.verdict_hi}`,
    ),
  ];
}

/** The comparison across variants: time(1), the flush and exit counts, MB/s (an unmodelled user time says so). */
function comparison(doc: ResultDocument, tableFn: TableFn): string {
  return tableFn(
    ['map', 'real_s', 'user_s', 'sys_s', 'pkmap wraps', 'global flushes', 'invlpg', 'vm exits', 'MB/s'],
    doc.runs.map((r) => [
      String(r.variant.map),
      r.time.real_s,
      r.time.user_s ?? 'unmodelled',
      r.time.sys_s,
      r.metrics.pkmap_wraps,
      r.metrics.tlb_flush_global,
      r.metrics.invlpg,
      r.metrics.vm_exits,
      r.metrics.dump_mb_per_s,
    ]),
  );
}

/**
 * The same rows as Markdown (--format md): per variant its time(1) and readprofile rows as tables (the rows with
 * ticks, as the text view), then the comparison table and the verdict lines as paragraphs.
 */
export function renderCheckpointMarkdown(doc: ResultDocument): string {
  const size = Number(doc.params.size_bytes);
  const out = [docHeader(doc), `${(size / 2 ** 20).toLocaleString('en-US')} MiB, PAE ${doc.params.pae ? 'on' : 'off'}`];
  for (const r of doc.runs) {
    const ticked = r.profile.filter((x) => x.ticks > 0);
    out.push(
      `**--map ${r.variant.map}**`,
      mdTable(['real_s', 'user_s', 'sys_s'], [[r.time.real_s, r.time.user_s ?? 'unmodelled', r.time.sys_s]]),
      `readprofile (ticks at ${doc.params.readprofile_hz} Hz, load = ticks / size):`,
      ticked.length > 0
        ? mdTable(
            ['ticks', 'symbol', 'load'],
            ticked.map((x) => [x.ticks, x.symbol, x.load === 0 ? '-' : x.load.toFixed(4)]),
          )
        : 'no symbol took a tick: the run is shorter than one tick per symbol',
    );
  }
  out.push(comparisonTitle(doc), comparison(doc, mdTable));
  out.push(...sensitivityBlock(doc).map((l) => l.trim()));
  return `${out.join('\n\n')}\n`;
}

function comparisonTitle(doc: ResultDocument): string {
  const exp = doc.params.experiment;
  return `comparison${exp !== 'none' ? ` (experiment ${exp}: fitted values applied)` : ' (sourced values only)'}:`;
}

/** The verdict by sys time and whether it holds across the [U] ranges (none without a sensitivity sweep). */
function sensitivityBlock(doc: ResultDocument): string[] {
  const sens = doc.params.sensitivity as
    | {
        verdict: string;
        size_bytes: number;
        entries: SensEntry[];
      }
    | undefined;
  return sens ? sensitivityLines(sens) : [];
}
