// `kmemsim reproduce`: every published figure in the calibration data, run on its published configuration.
import { RESULT_SCHEMA_ID, type ResultDocument, type Run } from '@kmemsim/core';
import { defineCommand } from '../framework/define.js';
import { UsageError } from '../framework/errors.js';
import { bool, text } from '../framework/options.js';

export const reproduceCommand = defineCommand({
  kind: 'result',
  name: 'reproduce',
  summary: 'run every published figure on its published configuration: model vs published, error, tolerance',
  trace: false,
  sweepable: false,
  examples: [
    'kmemsim reproduce',
    'kmemsim reproduce --only 000,002 --format md',
    'kmemsim reproduce --format html --out reproduce.html',
  ],
  formats: ['table', 'md', 'json', 'html', 'csv', 'svg'],
  options: {
    only: text({
      description:
        'seeds to run (000 highmem checkpoint, 001 vmcore/makedumpfile, 002 vmap, 003 rmap fork) or figure-id ' +
        'prefixes (000/kmap, 001/mmap/d0)',
      list: true,
      maxLength: 200,
      defaultText: 'all',
    }),
    ranges: bool({
      description:
        'also run each experiment that can be refitted (seed 000) at both ends of every [U] range its model ' +
        'depends on, and say which checks and bounds flip there (~9 runs per range end)',
      default: true,
    }),
  },
  async run(o, ctx): Promise<ResultDocument> {
    const [{ loadFigures, loadTopLists, ledgers }, { compareWithBounds }, { runCommandLine }, ranges] =
      await Promise.all([
        import('../reproduce/calibration.js'),
        import('../reproduce/compare.js'),
        import('../framework/invoke.js'),
        import('../reproduce/ranges.js'),
      ]);
    let figures = loadFigures();
    if (o.only !== undefined) {
      const only = o.only;
      const known = [...new Set(figures.map((f) => f.seed))];
      const matches = (sel: string, f: (typeof figures)[number]) => f.seed === sel || f.id.startsWith(sel);
      const unknown = only.filter((sel) => !figures.some((f) => matches(sel, f)));
      if (unknown.length > 0)
        throw new UsageError(
          `--only: got "${unknown.join(',')}", expected seeds (${known.join(', ')}) or figure-id prefixes (e.g. ${figures[0]?.id})`,
        );
      figures = figures.filter((f) => only.some((sel) => matches(sel, f)));
    }
    const tops = loadTopLists();
    const { comparisons: results, bounds } = await compareWithBounds(
      figures,
      tops,
      (argv) => runCommandLine(argv),
      ctx.progress,
    );
    // Checks and bounds whose verdict flips within a [U] range (the experiment refitted at each end).
    const rangeSeeds = o.ranges ? ranges.rangeSeeds(figures) : [];
    let flips: ReturnType<typeof ranges.rangeFlips> = [];
    const rangeCounts: Record<string, number> = {};
    if (rangeSeeds.length > 0) {
      ctx.progress(0, 1, `[U] ranges of seed ${rangeSeeds.join(', ')}`);
      const checks = new Map(results.filter((c) => c.figure.role === 'check').map((c) => [c.figure.id, c.within]));
      const ends = await ranges.rangeEnds(rangeSeeds);
      for (const [seed, e] of Object.entries(ends)) rangeCounts[seed] = e.length;
      flips = ranges.rangeFlips(figures, tops, { checks, bounds }, ends);
      ctx.progress(1, 1, 'done');
    }
    const flipCount = (id: string) => new Set(flips.filter((f) => f.figure === id).map((f) => f.parameter)).size;
    const inRanges = (seed: string) => rangeCounts[seed] !== undefined;
    const figureRuns: Run[] = results.map(({ figure: f, model, error, within, countP }) => ({
      variant: { figure: f.id, label: f.label, seed: f.seed, role: f.role },
      metrics: {
        published: f.published,
        model: model ?? 0,
        ...(model === null ? { model_missing: 1 } : {}),
        error_pct: error === null ? 0 : Math.round(error * 1e4) / 100,
        ...(f.toleranceAbs !== undefined
          ? { tolerance_abs: f.toleranceAbs }
          : { tolerance_pct: (f.tolerance ?? 0) * 100 }),
        within: within ? 1 : 0,
        ...(countP === undefined ? {} : { count_p: Number(countP.toPrecision(4)) }),
        ...(f.role === 'check' && inRanges(f.seed) ? { u_flips: flipCount(f.id) } : {}),
      },
      time: { real_s: 0, user_s: 0, sys_s: 0 },
      counters: {},
      profile: [],
    }));
    // A bound's `published` is the Nth row's count; `bound: 1` says the tolerance is one-sided (model ≤ published).
    const boundRuns: Run[] = bounds.map((b) => ({
      variant: { figure: b.id, label: b.label, seed: b.seed, role: 'bound' },
      metrics: {
        published: b.nth,
        model: b.model,
        error_pct: b.nth === 0 ? 0 : Math.round(((b.model - b.nth) / b.nth) * 1e4) / 100,
        bound: 1,
        within: b.within ? 1 : 0,
        ...(b.countP === undefined ? {} : { count_p: Number(b.countP.toPrecision(4)) }),
        ...(inRanges(b.seed) ? { u_flips: flipCount(b.id) } : {}),
      },
      time: { real_s: 0, user_s: 0, sys_s: 0 },
      counters: {},
      profile: [],
    }));
    const boundCounts = new Map<string, { count: number; top: number }>();
    for (const b of bounds) boundCounts.set(b.seed, { count: (boundCounts.get(b.seed)?.count ?? 0) + 1, top: b.top.n });
    const runs = [...figureRuns, ...boundRuns];
    return {
      schema: RESULT_SCHEMA_ID,
      command: 'reproduce',
      arch: 'per-figure',
      virt: 'per-figure',
      cpus: 1,
      seed: 1,
      params: {
        figures: figures.length,
        experiments: ledgers(figures, boundCounts),
        sources: Object.fromEntries(figures.map((f) => [f.seed, f.source])),
        argv: Object.fromEntries(figures.map((f) => [f.id, f.argv.join(' ')])),
        ...(rangeSeeds.length > 0 ? { u_ranges: rangeCounts, u_flips: flips } : {}),
      },
      runs,
    };
  },
  async renderFormat(doc, format) {
    const r = await import('../reproduce/render.js');
    if (format === 'md') return r.reproduceMarkdown(doc);
    if (format === 'html') return r.reproduceHtml(doc);
    if (format === 'table') return `${r.reproduceTable(doc)}\n`;
    return undefined;
  },
  exitCode: (doc) => (doc.runs.some((r) => r.variant.role === 'calibration' && r.metrics.within !== 1) ? 1 : 0),
});
