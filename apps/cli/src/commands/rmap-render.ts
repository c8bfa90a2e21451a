// The table view of an rmap-fork result: one row per design with its times, overhead and memory, then the sys
// time by kernel symbol. The same blocks render as Markdown for --format md (tables by mdTable, each line of
// text its own paragraph).
import type { ResultDocument } from '@kmemsim/core';
import { type Cell, docHeader, mdTable, table } from '../framework/table.js';
import { type SensitivityEntry, sensitivityLines } from './rmap-sensitivity.js';

const BREAKDOWN = ['copy_page_range', 'zap_pte_range', 'page_add_rmap', 'page_remove_rmap', 'pte_chain_alloc'];

const variantCells = (v: Record<string, unknown>) => [
  String(v.rmap),
  String(v.direct),
  String(v.lock),
  String(v.batch),
  String(v.alloc),
];
const VARIANT_HEAD = ['rmap', 'direct', 'lock', 'batch', 'alloc'];

type TableFn = (head: string[], rows: Cell[][]) => string;

function footer(doc: ResultDocument): string[] {
  const s = doc.params.sensitivity as SensitivityEntry[] | undefined;
  return s
    ? sensitivityLines(s)
    : [
        'sensitivity to the [U] hardware values: not computed (--sensitivity on re-runs each design at their range ends)',
      ];
}

/** The terminal table of an rmap-fork result (--format table). */
export function renderRmapTable(doc: ResultDocument): string {
  return [blocks(doc, table).join('\n'), '', ...footer(doc)].join('\n');
}

/** The same blocks as Markdown (--format md): tables as Markdown tables, every text line a paragraph. */
export function renderRmapMarkdown(doc: ResultDocument): string {
  const parts = [...blocks(doc, mdTable), ...footer(doc)].filter((x) => x !== '');
  return `${parts.join('\n\n')}\n`;
}

function blocks(doc: ResultDocument, table: TableFn): string[] {
  const p = doc.params;
  if (p.workload === 'kernel-compile') return renderCompile(doc, table);
  if (String(p.workload).startsWith('lat-')) return renderLat(doc, table);
  const out = [
    docHeader(doc),
    `workload ${p.workload}${p.experiment ? ` (experiment ${p.experiment})` : ''}: ${p.pages} pages ` +
      `(${p.anon_pct}% anon), ${p.children} child(ren) × ${p.rounds} round(s), ${p.background} background; ` +
      `kernel ${p.kernel}; PAE ${p.pae ? 'on' : 'off'}, HIGHPTE ${p.highpte ? 'on' : 'off'}`,
    fidelityLine(doc),
    '',
  ];
  const reclaim = p.workload === 'reclaim';
  out.push(
    table(
      [
        ...VARIANT_HEAD,
        'fork µs',
        'exit µs',
        reclaim ? 'reclaim µs' : 'real µs',
        'overhead %',
        'B/PTE peak',
        'B/PTE 1 map',
      ],
      doc.runs.map((r) => [
        ...variantCells(r.variant),
        r.metrics.fork_us,
        r.metrics.exit_us,
        reclaim ? r.metrics.reclaim_us : r.metrics.real_us,
        r.metrics.overhead_pct,
        r.metrics.rmap_bytes_per_pte,
        r.metrics.rmap_bytes_per_pte_before_fork,
      ]),
    ),
    'B/PTE peak: rmap bytes per mapped PTE with every child forked; 1 map: the parent alone, before forking',
    '',
    'sys time by symbol (% of all cycles):',
  );
  const syms = reclaim ? [...BREAKDOWN, 'page_referenced', 'try_to_unmap', 'swap_out'] : BREAKDOWN;
  out.push(
    table(
      [...VARIANT_HEAD, ...syms],
      doc.runs.map((r) => [
        ...variantCells(r.variant),
        ...syms.map((s) => r.profile.find((x) => x.symbol === s)?.percent ?? 0),
      ]),
    ),
  );
  return out;
}

/** The fidelity used and why (params.fidelity_choice, absent for exact asked or chosen by auto on a short run);
 * if sampled, the share of PTE pages followed and the bound per design. */
function fidelityLine(doc: ResultDocument): string {
  const p = doc.params;
  const head = `fidelity: ${p.fidelity}${p.fidelity_choice ? ` (${p.fidelity_choice})` : ''}`;
  if (p.fidelity !== 'sampled') return `${head} — every access through the cache model`;
  return (
    `${head} — cycles and cache.* estimated from the PTE pages followed through the caches; per design ` +
    doc.runs
      .map(
        (r) =>
          `${r.variant.rmap}: ${r.metrics.sampled_pages_pct}% followed, ` +
          (r.metrics.estimate_bound_pct ? `times within ±${r.metrics.estimate_bound_pct}%` : 'exact'),
      )
      .join('; ')
  );
}

const RMAP_SYMS = ['page_add_rmap', 'page_remove_rmap', 'kmem_cache_alloc', 'kmem_cache_free', 'pte_chain_alloc'];

function symbolTable(doc: ResultDocument, syms: string[], table: TableFn): string {
  return table(
    [...VARIANT_HEAD, ...syms],
    doc.runs.map((r) => [
      ...variantCells(r.variant),
      ...syms.map((s) => r.profile.find((x) => x.symbol === s)?.percent ?? 0),
    ]),
  );
}

function renderCompile(doc: ResultDocument, table: TableFn): string[] {
  const p = doc.params;
  return [
    docHeader(doc),
    `workload kernel-compile: make -j${p.jobs}, ${p.files} object files (make → sh → gcc → cpp0, cc1, as); kernel ${p.kernel}`,
    '',
    table(
      [...VARIANT_HEAD, 'elapsed s', 'user s', 'sys s', 'rmap sys s', 'elapsed +%', 'sys +%'],
      doc.runs.map((r) => [
        ...variantCells(r.variant),
        r.metrics.elapsed_s,
        r.metrics.user_s,
        r.metrics.sys_s,
        r.metrics.rmap_sys_s,
        r.metrics.overhead_pct,
        r.metrics.sys_overhead_pct,
      ]),
    ),
    'elapsed, user and sys as time(1) of the whole make; +%: against none; rmap sys: the reverse-mapping functions',
    '',
    'sys time by symbol (% of all cycles):',
    symbolTable(doc, [...RMAP_SYMS, 'zap_pte_range', 'copy_page_range', 'clear_page'], table),
  ];
}

function renderLat(doc: ResultDocument, table: TableFn): string[] {
  const p = doc.params;
  return [
    docHeader(doc),
    `workload ${p.workload} (LMbench style, one CPU)${p.workload === 'lat-mmap' ? `: a ${p.pages}-page file` : ''}; kernel ${p.kernel}`,
    '',
    table(
      [...VARIANT_HEAD, 'latency µs', 'overhead %'],
      doc.runs.map((r) => [...variantCells(r.variant), r.metrics.lat_us, r.metrics.overhead_pct]),
    ),
    '',
    'sys time by symbol (% of all cycles):',
    symbolTable(doc, [...RMAP_SYMS, 'copy_page_range', 'zap_pte_range', 'do_page_fault'], table),
  ];
}
