// Tables for the terminal (cli-table3): numbers right-aligned, and never wider than the terminal. A table that
// does not fit first moves its constant columns into a line above it, then wraps its text columns (numbers are
// never wrapped). Off a terminal (a pipe, a file) tables keep their natural width unless COLUMNS is set.
import type { ResultDocument } from '@kmemsim/core';
import Table from 'cli-table3';

export type Cell = string | number;

export interface TableOptions {
  /** Columns available (default: terminalWidth()). */
  width?: number;
  /**
   * Long text columns (a description) that, when the table is too wide, leave it and are printed under their
   * row, across the whole table (several joined with " — ").
   */
  spill?: number[];
}

/** The terminal's width for stdout, COLUMNS off a terminal, else no limit. */
export function terminalWidth(): number {
  if (process.stdout.isTTY && process.stdout.columns > 0) return process.stdout.columns;
  const env = Number(process.env.COLUMNS);
  return Number.isFinite(env) && env > 0 ? env : Number.POSITIVE_INFINITY;
}

const ANSI = /\x1b\[[0-9;]*m/g;

/** Display width of a cell line (ANSI colours take no room). */
export function displayWidth(s: string): number {
  return [...s.replace(ANSI, '')].length;
}

const widthOf = (s: string) => Math.max(0, ...s.split('\n').map(displayWidth));
const longestWord = (xs: string[]) =>
  Math.max(0, ...xs.flatMap((x) => x.replace(ANSI, '').split(/\s+/)).map((w) => [...w].length));

/** A cell that reads as a number (1,234, -5.1%, ±10%, +0.0%, 2.5e-3) is right-aligned. */
const NUMERIC = /^[-+±]?(\d{1,3}(,\d{3})*|\d+)?(\.\d+)?(e[-+]?\d+)?%?$/;
const BLANK = new Set(['', '—', '-', '–']);

function isNumericColumn(cells: string[], raw: Cell[]): boolean {
  let any = false;
  for (let i = 0; i < cells.length; i++) {
    const s = cells[i].replace(ANSI, '').trim();
    if (BLANK.has(s)) continue;
    if (typeof raw[i] !== 'number' && !(NUMERIC.test(s) && /\d/.test(s))) return false;
    any = true;
  }
  return any;
}

interface Col {
  head: string;
  cells: string[];
  numeric: boolean;
  /** Natural content width. */
  width: number;
  /** Narrowest content width without cutting a word: numbers whole, headers and text wrapped at spaces. */
  min: number;
}

const outer = (cols: Col[], w: (c: Col) => number) => cols.reduce((n, c) => n + w(c) + 3, 1);

export function table(head: string[], rows: Cell[][], o: TableOptions = {}): string {
  const limit = o.width ?? terminalWidth();
  let cols: Col[] = head.map((h, c) => {
    const raw = rows.map((r) => r[c] ?? '');
    const cells = raw.map((v) => (typeof v === 'number' ? fmtNum(v) : String(v)));
    const numeric = isNumericColumn(cells, raw);
    const width = Math.max(widthOf(h), ...cells.map(widthOf));
    const min = numeric
      ? Math.max(longestWord([h]), ...cells.map(widthOf))
      : Math.min(width, Math.max(6, longestWord([h, ...cells])));
    return { head: h, cells, numeric, width, min };
  });
  const natural = (cs: Col[]) => outer(cs, (c) => c.width);
  if (natural(cols) <= limit) return render(cols, undefined, undefined);
  const notes: string[] = [];
  if (rows.length > 1) {
    // A column with one value in every row says nothing per row: state it once above the table.
    const constant = cols.filter((c, i) => i > 0 && c.cells.every((x) => x === c.cells[0]));
    if (constant.length > 0) {
      notes.push(`same in every row: ${constant.map((c) => `${c.head} ${c.cells[0]}`).join(' · ')}`);
      cols = cols.filter((c) => !constant.includes(c));
    }
  }
  let spilled: string[] | undefined;
  const spill = (o.spill ?? []).map((i) => cols.find((c) => c.head === head[i])).filter((c): c is Col => !!c);
  if (natural(cols) > limit && spill.length > 0) {
    spilled = rows.map((_, r) =>
      spill
        .map((c) => c.cells[r])
        .filter(Boolean)
        .join(' — '),
    );
    cols = cols.filter((c) => !spill.includes(c));
  }
  const lines = notes.flatMap((n) => (Number.isFinite(limit) ? wrapText(n, limit) : n).split('\n'));
  if (natural(cols) <= limit)
    return [...lines, render(cols, spilled ? cols.map((c) => c.width + 2) : undefined, spilled)].join('\n');
  // Too wide even so: wrap text to fit; when even the narrowest layout does not fit, split the columns into
  // tables that do, each repeating the leading text columns that name the row.
  const groups = split(cols, limit);
  const tables = groups.map((g, k) => render(g, widths(g, limit), k === 0 ? spilled : undefined));
  return [...lines, ...tables].join('\n');
}

function render(cols: Col[], colWidths: number[] | undefined, spilled: string[] | undefined): string {
  // Cells are wrapped here (at spaces; a word longer than the column is broken, never cut with an ellipsis).
  const wrap = (text: string, i: number) => (colWidths ? wrapText(text, colWidths[i] - 2) : text);
  const t = new Table({
    head: cols.map((c, i) => wrap(c.head, i)),
    style: { head: [], border: [], compact: !spilled },
    ...(colWidths ? { colWidths } : {}),
  });
  const n = cols[0]?.cells.length ?? 0;
  const all = colWidths ? colWidths.reduce((a, b) => a + b, 0) + cols.length - 1 : 0;
  for (let r = 0; r < n; r++) {
    t.push(cols.map((c, i) => (c.numeric ? { content: c.cells[r], hAlign: 'right' as const } : wrap(c.cells[r], i))));
    if (spilled?.[r])
      t.push([{ content: colWidths ? wrapText(spilled[r], all - 2) : spilled[r], colSpan: cols.length }]);
  }
  return t.toString();
}

/** Lines of at most `width` display columns, broken at spaces; longer words are broken. ANSI-coloured cells are
 * left whole (they are short: verdicts). */
export function wrapText(text: string, width: number): string {
  if (width < 1 || displayWidth(text) <= width || ANSI.test(text)) {
    ANSI.lastIndex = 0;
    return text;
  }
  const out: string[] = [];
  for (const para of text.split('\n')) {
    let line = '';
    for (let word of para.split(/ +/)) {
      while ([...word].length > width) {
        if (line) {
          out.push(line);
          line = '';
        }
        out.push([...word].slice(0, width).join(''));
        word = [...word].slice(width).join('');
      }
      if (!line) line = word;
      else if ([...line].length + 1 + [...word].length <= width) line += ` ${word}`;
      else {
        out.push(line);
        line = word;
      }
    }
    out.push(line);
  }
  return out.join('\n');
}

/** Column groups whose narrowest layout fits; each after the first repeats the leading text (key) columns. */
function split(cols: Col[], limit: number): Col[][] {
  if (outer(cols, (c) => c.min) <= limit) return [cols];
  const keys: Col[] = [];
  for (const c of cols) {
    if (c.numeric || keys.length === 2) break;
    keys.push(c);
  }
  const rest = cols.slice(keys.length);
  const groups: Col[][] = [];
  let cur: Col[] = [...keys];
  for (const c of rest) {
    if (cur.length > keys.length && outer([...cur, c], (x) => x.min) > limit) {
      groups.push(cur);
      cur = [...keys];
    }
    cur.push(c);
  }
  groups.push(cur);
  return groups;
}

/**
 * Column widths (content + 2 padding) within `limit`: every column gets its narrowest width, then the room left
 * goes to the columns that want more, narrow ones first, the row-naming first column before the others.
 */
function widths(cols: Col[], limit: number): number[] {
  const mins = cols.map((c) => c.min);
  let over = outer(cols, (c) => c.min) - limit;
  if (over > 0) {
    // A word wider than the room: break the widest text columns' words, the row-naming first column last.
    const order = cols
      .map((c, i) => ({ c, i }))
      .filter((x) => !x.c.numeric)
      .sort((a, b) => (a.i === 0 ? 1 : 0) - (b.i === 0 ? 1 : 0) || b.c.min - a.c.min);
    for (const x of order) {
      const cut = Math.min(over, mins[x.i] - 6);
      if (cut <= 0) continue;
      mins[x.i] -= cut;
      over -= cut;
      if (over <= 0) break;
    }
  }
  const out = mins.map((m) => m + 2);
  let budget = limit - mins.reduce((n, m) => n + m + 3, 1);
  const order = cols
    .map((c, i) => ({ c, i }))
    .filter((x) => x.c.width > mins[x.i])
    .sort((a, b) => (a.i === 0 ? -1 : b.i === 0 ? 1 : a.c.width - b.c.width));
  for (let k = 0; k < order.length && budget > 0; k++) {
    const x = order[k];
    const add = Math.min(x.c.width - mins[x.i], x.i === 0 ? budget : Math.floor(budget / (order.length - k)));
    out[x.i] += add;
    budget -= add;
  }
  return out;
}

export function fmtNum(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  if (Number.isInteger(n)) return n.toLocaleString('en-US');
  const a = Math.abs(n);
  const digits = a >= 100 ? 1 : a >= 1 ? 3 : 4;
  return n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: 0 });
}

/** One row per run: variant, metrics, real/user/sys. */
export function runsTable(doc: ResultDocument): string {
  const vkeys = [...new Set(doc.runs.flatMap((r) => Object.keys(r.variant)))];
  const mkeys = [...new Set(doc.runs.flatMap((r) => Object.keys(r.metrics)))];
  const head = [...vkeys, ...mkeys, 'real_s', 'user_s', 'sys_s'];
  const rows = doc.runs.map((r) => [
    ...vkeys.map((k) => String(r.variant[k] ?? '')),
    ...mkeys.map((k) => r.metrics[k] ?? ''),
    r.time.real_s,
    r.time.user_s ?? 'unmodelled',
    r.time.sys_s,
  ]);
  return table(head, rows);
}

/** Header line: command, arch, virt, cpus, seed. */
export function docHeader(doc: ResultDocument): string {
  return `kmemsim ${doc.command} — arch ${doc.arch}, virt ${doc.virt}, ${doc.cpus} CPUs, seed ${doc.seed}`;
}

/**
 * The same rows as a GitHub-flavoured Markdown table (`--format md`): numbers as {@link table} prints them and
 * right-aligned, `|` escaped. No width limit: a Markdown table is read rendered.
 */
export function mdTable(head: string[], rows: Cell[][]): string {
  const esc = (s: string) => s.replace(/\|/g, '\\|');
  const cells = rows.map((r) => head.map((_, c) => (typeof r[c] === 'number' ? fmtNum(r[c]) : String(r[c] ?? ''))));
  const align = head.map((_, c) =>
    isNumericColumn(
      cells.map((r) => r[c] as string),
      rows.map((r) => r[c] ?? ''),
    )
      ? '---:'
      : '---',
  );
  const line = (xs: string[]) => `| ${xs.map(esc).join(' | ')} |`;
  return [line(head), `|${align.join('|')}|`, ...cells.map(line)].join('\n');
}
