// The chart layer on hand-made result documents: what is swept is encoded, seeds are aggregated, numbers are
// ordered and ticked as numbers, metric names are names, published figures land on the run they belong to.
import type { ResultDocument, Run } from '@kmemsim/core';
import { describe, expect, it } from 'vitest';
import { parseCommandLine } from '../framework/invoke.js';
import type { Figure } from '../reproduce/calibration.js';
import { buildChart, ChartError, MAX_PANELS } from './build.js';
import { captionLines, fidelityLines, provenanceOf, sensitivityLines, svgMetadata } from './caption.js';
import { chartFor } from './charts.js';
import { defsFor } from './defs.js';
import { analyse } from './dims.js';
import { field, yFor } from './encode.js';
import { publishedFor } from './published.js';

const run = (variant: Run['variant'], metrics: Run['metrics']): Run => ({
  variant,
  metrics,
  time: { real_s: 1, user_s: 0, sys_s: 1 },
  counters: {},
  profile: [],
});

function vmapDoc(o: { seed: number; pages: number; iterations?: number; withProvenance?: boolean }): ResultDocument {
  const runs: Run[] = [];
  for (const impl of ['legacy', 'lazy', 'percpu'])
    for (const threads of [1, 2, 4, 8])
      runs.push(
        run({ impl, threads }, { ns_per_op: 1000 * threads * (impl === 'legacy' ? 10 : 1) + o.seed + o.pages }),
      );
  const iterations = o.iterations ?? 20000;
  return {
    schema: 'kmemsim/result@1',
    command: 'vmap-bench',
    arch: 'x86_64',
    virt: 'none',
    cpus: 8,
    seed: o.seed,
    ...(o.withProvenance
      ? {
          provenance: {
            kmemsim: '0.1.0',
            command_line: 'kmemsim vmap-bench …',
            options: {
              arch: 'x86_64',
              virt: 'none',
              cpus: 8,
              seed: o.seed,
              threads: [1, 2, 4, 8],
              impl: ['legacy', 'lazy', 'percpu'],
              pages: o.pages,
              iterations,
            },
          },
        }
      : {}),
    params: { pages: o.pages, iterations, clock_hz: 2.3e9 },
    runs,
  };
}

const sweep = () => [1, 2, 3].flatMap((seed) => [1, 4].map((pages) => vmapDoc({ seed, pages })));

describe('dimensions', () => {
  it('finds what varies, what is constant, and folds a parameter that only restates another', () => {
    const docs = [
      vmapDoc({ seed: 1, pages: 4 }),
      { ...vmapDoc({ seed: 1, pages: 4 }), arch: 's390', params: { pages: 4, iterations: 20000, clock_hz: 4.4e9 } },
    ];
    const d = analyse(docs);
    expect(d.varying.map((v) => v.name)).toEqual(['impl', 'threads', 'arch']);
    expect(d.folded).toEqual({ clock_hz: 'arch' });
    expect(d.constant).toMatchObject({ virt: 'none', cpus: 8, pages: 4, iterations: 20000 });
    expect(d.varying.find((v) => v.name === 'threads')?.values).toEqual([1, 2, 4, 8]);
  });
});

describe('buildChart', () => {
  it('a 3-option sweep: threads on x, impl as colour, pages as facet; seeds are one mark with min–max whiskers', () => {
    const dims = analyse(sweep());
    const { spec, channels } = buildChart(defsFor('vmap-bench', dims.refs)[0], dims, []);
    expect(channels).toMatchObject({ x: 'threads', color: 'impl', column: 'pages' });
    const values = (spec.data as { values: Record<string, unknown>[] }).values;
    const model = values.filter((v) => v.kind === 'model');
    // 3 designs × 4 thread counts × 2 page counts: one mark each, 3 seeds behind every mark.
    expect(model).toHaveLength(24);
    expect(new Set(model.map((v) => `${v.impl}/${v.threads}/${v.pages}`)).size).toBe(24);
    expect(model.every((v) => v.n === 3 && (v.hi as number) - (v.lo as number) === 2)).toBe(true);
    const layers = (spec.spec as { layer: { mark: { type: string } }[] }).layer;
    expect(layers.map((l) => l.mark.type)).toEqual(['line', 'rule']);
    const x = (layers[0] as unknown as { encoding: { x: Record<string, unknown> } }).encoding.x;
    expect(x).toMatchObject({
      type: 'quantitative',
      scale: { type: 'log', base: 2 },
      axis: { values: [1, 2, 4, 8], format: 'd' },
    });
  });

  it('refuses when the options left for facets would make more than MAX_PANELS panels', () => {
    const docs = Array.from({ length: MAX_PANELS + 1 }, (_, i) => vmapDoc({ seed: 1, pages: i + 1 }));
    const dims = analyse(docs);
    expect(() => buildChart(defsFor('vmap-bench', dims.refs)[0], dims, [])).toThrow(ChartError);
  });

  it('test-vmalloc: every case is a bar group; dotted metric names are read as names', async () => {
    const cases = ['fix_size_alloc_test', 'full_fit_alloc_test', 'vm_map_ram_test'];
    const doc: ResultDocument = {
      ...vmapDoc({ seed: 1, pages: 4 }),
      command: 'test-vmalloc',
      params: {},
      runs: ['lazy', 'rb2019'].map((impl, k) =>
        run(
          { impl },
          Object.fromEntries(
            cases.flatMap((c, i) => [
              [`${c}.avg_usec`, 10 ** (i + k + 1)],
              [`${c}.failed`, 0],
            ]),
          ),
        ),
      ),
    };
    const chart = await chartFor('test-vmalloc', [doc]);
    if (!chart) throw new Error('no chart for test-vmalloc');
    const values = (chart.spec.data as { values: Record<string, unknown>[] }).values;
    expect(values.map((v) => `${v.case}/${v.impl}=${v.y}`)).toEqual([
      'fix_size_alloc_test/lazy=10',
      'full_fit_alloc_test/lazy=100',
      'vm_map_ram_test/lazy=1000',
      'fix_size_alloc_test/rb2019=100',
      'full_fit_alloc_test/rb2019=1000',
      'vm_map_ram_test/rb2019=10000',
    ]);
    expect(chart.channels[0]).toMatchObject({ x: 'case', xOffset: 'impl', color: 'impl' });
  });

  it('numbers on a category axis are ordered as numbers (dump levels 0, 1, 7, 31)', () => {
    const runs = [31, 7, 0, 1].flatMap((d) =>
      ['read', 'mmap'].map((access) => ({
        ...run({ access, dump_level: d }, {}),
        counters: { syscalls: { mmap: 1 + d, munmap: 1, read: 100 + d } },
      })),
    );
    const doc = { ...vmapDoc({ seed: 1, pages: 4 }), command: 'vmcore-dump', params: {}, runs };
    const dims = analyse([doc]);
    const { spec } = buildChart(defsFor('vmcore-dump', dims.refs)[0], dims, []);
    const x = (spec.spec as { layer: { encoding: { x: { sort: unknown; type: string } } }[] }).layer[0].encoding.x;
    expect(x).toMatchObject({ type: 'ordinal', sort: [0, 1, 7, 31] });
  });
});

describe('axes', () => {
  it('linear from zero within 20×; log with 1-2-5 ticks beyond; symlog with a 0 tick when a value is 0', () => {
    expect(yFor([100, 1500], 'ns').scale).toMatchObject({ type: 'linear', zero: true });
    const log = yFor([2900, 99_902], 'ns');
    expect(log.scale).toMatchObject({ type: 'log', domain: [1000, 100_000] });
    expect(log.axis.values).toEqual([1000, 2000, 5000, 10_000, 20_000, 50_000, 100_000]);
    const sym = yFor([0, 3, 458_917], 'calls');
    expect(sym.scale.type).toBe('symlog');
    expect((sym.axis.values as number[])[0]).toBe(0);
    expect(sym.axis.values).toContain(100_000);
  });

  it('escapes dots and brackets in field names', () => {
    expect(field('fix_size_alloc_test.avg_usec')).toBe('fix_size_alloc_test\\.avg_usec');
    expect(field('a[0]')).toBe('a\\[0\\]');
  });
});

const FIG_ARGV = ['vmap-bench', '--experiment', 'seed002', '--threads', '1', '--impl', 'legacy'];
const FIG: Figure = {
  id: '002/legacy/t1',
  label: 'old vmap',
  argv: [...FIG_ARGV, '--iterations', '20000', '--exact', 'on'],
  variant: { impl: '2.6.27', api: 'vmap', threads: 1 },
  metric: 'metrics.ns_per_op',
  published: 14700,
  tolerance: 0.1,
  role: 'calibration',
  seed: '002',
  source: 's',
  title: 't',
};

/** A sweep's document as `kmemsim vmap-bench …` records it: resolved options; legacy, lazy, percpu as run. */
async function sweptDoc(iterations: number, withProvenance = true): Promise<ResultDocument> {
  const argv = [...FIG_ARGV.slice(0, 4), '1,2,4,8', '--impl', 'legacy,lazy,percpu', '--iterations', String(iterations)];
  const { options } = await parseCommandLine([...argv, '--exact', 'on']);
  const designs = [
    { impl: '2.6.27', api: 'vmap' },
    { impl: '2.6.28', api: 'vmap' },
    { impl: '2.6.28', api: 'vm_map_ram' },
  ];
  return {
    ...vmapDoc({ seed: 1, pages: 4, iterations }),
    ...(withProvenance ? { provenance: { kmemsim: '0.1.0', command_line: argv.join(' '), options } } : {}),
    runs: designs.flatMap((d) => [1, 2, 4, 8].map((threads) => run({ ...d, threads }, { ns_per_op: threads }))),
  };
}

describe('published figures', () => {
  it('land on the run whose resolved options are the figure’s, with the tolerance band', async () => {
    const pts = await publishedFor(analyse([await sweptDoc(20000)]).refs, [FIG]);
    expect(pts).toHaveLength(1);
    expect(pts[0]).toMatchObject({ figure: '002/legacy/t1', published: 14700, lo: 13230, hi: 16170 });
    expect(pts[0].ref.run.variant).toEqual({ impl: '2.6.27', api: 'vmap', threads: 1 });
  });

  it('not on a run with another configuration (fewer iterations), nor on documents without provenance', async () => {
    expect(await publishedFor(analyse([await sweptDoc(300)]).refs, [FIG])).toEqual([]);
    expect(await publishedFor(analyse([await sweptDoc(20000, false)]).refs, [FIG])).toEqual([]);
  });
});

describe('provenance', () => {
  it('rmap-fork’s sensitivity list reads as a ranking that flips', () => {
    const doc = {
      ...vmapDoc({ seed: 1, pages: 4 }),
      params: {
        sensitivity: [
          {
            param: 'cache.memoryCycles',
            lo: 100,
            hi: 300,
            ranking_lo: ['anon_vma', 'pte_chain'],
            ranking_hi: ['pte_chain', 'anon_vma'],
            flips: true,
          },
          {
            param: 'cache.l2.hitCycles',
            lo: 10,
            hi: 20,
            ranking_lo: ['anon_vma', 'pte_chain'],
            ranking_hi: ['anon_vma', 'pte_chain'],
            flips: false,
          },
        ],
      },
    };
    expect(sensitivityLines(doc)).toEqual([
      '⚠ the ranking flips within 1 of 2 [U] ranges: cache.memoryCycles [U 100..300] gives anon_vma < pte_chain at 100, pte_chain < anon_vma at 300',
    ]);
  });

  it('caption: version, machine and constant options, what was swept, seeds; the same as SVG metadata', () => {
    const docs = sweep();
    const dims = analyse(docs);
    const p = provenanceOf('vmap-bench', docs, dims, []);
    const lines = captionLines(p, 200);
    expect(lines[0]).toMatch(/^kmemsim \S+ vmap-bench · arch x86_64 · virt none · 8 CPUs · iterations 20,000/);
    expect(lines[1]).toBe(
      'swept: impl legacy, lazy, percpu · threads 1, 2, 4, 8 · pages 1, 4 · seeds 1–3 (mean, whiskers min–max)',
    );
    const meta = svgMetadata(p);
    const json = meta.replace(/^.*?<kmemsim:provenance[^>]*>/, '').replace(/<\/kmemsim:provenance>.*$/, '');
    expect(JSON.parse(json.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&'))).toEqual(p);
  });

  it('says when times are sampled estimates, with why and the widest bound; nothing when every run is exact', () => {
    const exact = vmapDoc({ seed: 1, pages: 4 });
    const sampled = (bound: number): ResultDocument => ({
      ...exact,
      params: { ...exact.params, fidelity: 'sampled', fidelity_choice: 'auto: ≥ 262,144 pages' },
      runs: exact.runs.map((r) => ({ ...r, metrics: { ...r.metrics, estimate_bound_pct: bound } })),
    });
    expect(fidelityLines([exact])).toEqual([]);
    expect(provenanceOf('vmap-bench', [exact], analyse([exact]), []).fidelity).toBeUndefined();
    expect(fidelityLines([sampled(2.4), sampled(3.19), exact])).toEqual([
      'fidelity: sampled (auto: ≥ 262,144 pages) in 2 of 3 results — times estimated, within ±3.19 % (the widest bound stated)',
    ]);
    const p = provenanceOf('vmap-bench', [sampled(2)], analyse([sampled(2)]), []);
    expect(captionLines(p, 300).at(-1)).toBe(
      'fidelity: sampled (auto: ≥ 262,144 pages) — times estimated, within ±2 % (the widest bound stated)',
    );
  });

  it('says when a verdict flips within a [U] range', () => {
    const doc = {
      ...vmapDoc({ seed: 1, pages: 4 }),
      params: {
        sensitivity: {
          verdict: 'kmap < kmap_atomic',
          entries: [
            {
              parameter: 'exitCycles',
              lo: 1500,
              hi: 4000,
              verdict_lo: 'kmap < kmap_atomic',
              verdict_hi: 'kmap_atomic < kmap',
              flips: true,
            },
          ],
        },
      },
    };
    expect(sensitivityLines(doc)).toEqual([
      '⚠ verdict kmap < kmap_atomic flips within 1 of 1 [U] ranges: exitCycles [U 1500..4000] gives kmap < kmap_atomic at 1500, kmap_atomic < kmap at 4000',
    ]);
  });
});
