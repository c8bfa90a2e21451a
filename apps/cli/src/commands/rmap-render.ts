// The table view of an rmap-fork result: one row per design with its times, overhead and memory, then the sys
// time by kernel symbol.
import type { ResultDocument } from '@kmemsim/core';
import { docHeader, table } from '../framework/table.js';

const BREAKDOWN = ['copy_page_range', 'zap_pte_range', 'page_add_rmap', 'page_remove_rmap', 'pte_chain_alloc'];

const variantCells = (v: Record<string, unknown>) => [
  String(v.rmap),
  String(v.direct),
  String(v.lock),
  String(v.batch),
  String(v.alloc),
];
const VARIANT_HEAD = ['rmap', 'direct', 'lock', 'batch', 'alloc'];

export function renderRmapTable(doc: ResultDocument): string {
  const p = doc.params;
  const out = [
    docHeader(doc),
    `workload ${p.workload}${p.experiment ? ` (experiment ${p.experiment})` : ''}: ${p.pages} pages ` +
      `(${p.anon_pct}% anon), ${p.children} child(ren) × ${p.rounds} round(s), ${p.background} background; ` +
      `kernel ${p.kernel}; PAE ${p.pae ? 'on' : 'off'}, HIGHPTE ${p.highpte ? 'on' : 'off'}`,
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
  return out.join('\n');
}
