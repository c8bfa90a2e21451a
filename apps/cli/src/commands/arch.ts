// Shared by `kmemsim arch list` and `kmemsim arch show`: their tables, options and output.
import type { ArchProfile } from '@kmemsim/mmu';
import type { RunContext } from '../framework/define.js';
import { checkWritable, writeWhole } from '../framework/io.js';
import { choice, text } from '../framework/options.js';
import { type Cell, mdTable, table } from '../framework/table.js';

const FORMATS = ['table', 'json', 'md'] as const;

type TableFn = (head: string[], rows: Cell[][]) => string;

function virtModes(a: ArchProfile): string {
  return ['none', ...Object.keys(a.virt)].join(',');
}

/** The arch list as a table (`t`: the terminal's, or mdTable for --format md). */
export function listTable(arches: ArchProfile[], t: TableFn = table): string {
  return t(
    ['arch', 'bits', 'page', 'line', 'cpus', 'highmem', 'global flush', 'virt modes', 'description'],
    arches.map((a) => [
      a.name,
      a.wordBits,
      a.pageBytes,
      a.cacheLineBytes,
      a.defaultCpus,
      a.highmem ? `pkmap ${a.highmem.pkmapEntries}/${a.highmem.pkmapEntriesPae} (PAE)` : 'none',
      a.tlb.globalFlush === 'ipi' ? 'IPI shootdown' : 'hw broadcast',
      virtModes(a),
      a.description,
    ]),
  );
}

function flatten(o: unknown, prefix = ''): [string, unknown][] {
  if (o !== null && typeof o === 'object' && !Array.isArray(o)) {
    return Object.entries(o).flatMap(([k, v]) => flatten(v, prefix ? `${prefix}.${k}` : k));
  }
  return [[prefix, o]];
}

/** One arch, every field with its value and source (`t`: the terminal's table, or mdTable for --format md). */
export function showTable(a: ArchProfile, t: TableFn = table): string {
  const { sources, ...rest } = a;
  const rows = flatten(rest).map(([path, v]) => [path, v === null ? 'none' : String(v), sources[path] ?? '']);
  const sep = t === table ? '\n' : '\n\n';
  return `${a.name} — ${a.description}${sep}${t(['field', 'value', 'source'], rows)}`;
}

/** The body of arch list / arch show in the chosen format. */
export function rendered(fmt: (typeof FORMATS)[number], json: unknown, tableText: (t: TableFn) => string): string {
  if (fmt === 'json') return `${JSON.stringify(json, null, 2)}\n`;
  return `${tableText(fmt === 'md' ? mdTable : table)}\n`;
}

export const format = choice(FORMATS, { description: 'output format', default: 'table', placeholder: '<fmt>' });
export const out = text({ description: 'write the output to a file instead of stdout', placeholder: '<file>' });

export async function emitTo(ctx: RunContext, file: string | undefined, body: string): Promise<number> {
  if (file === undefined) await ctx.out(body);
  else {
    checkWritable(file, '--out');
    writeWhole(file, body, '--out');
  }
  return 0;
}
