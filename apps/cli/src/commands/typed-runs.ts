// Typed runs of the commands whose library functions return a plain `Run` (checkpoint, rmap-fork, test-vmalloc):
// each command's metrics as a strict zod schema (every key it writes, nothing else) and the TypeScript type
// inferred from it, so `--json` consumers and the commands themselves read `run.metrics.dump_mb_per_s` typed, and a
// run whose metrics drift from the schema fails inside the command instead of printing a document that lies. The
// checks return the run object itself (not zod's copy) so the JSON bytes keep their key order.
import { type ResultDocument, ResultDocumentSchema, type Run, RunSchema, type TypedRun } from '@kmemsim/core';
import { z } from 'zod';

const n = (what: string) => z.number().describe(what);

/** `kmemsim checkpoint` run metrics (highmem's runCheckpoint, one run per --map). */
export const CheckpointMetricsSchema = z.strictObject({
  pages: n('pages dumped'),
  bytes: n('bytes dumped (pages × page size)'),
  writers: n('writer processes, one per CPU'),
  pkmap_wraps: n('times the pkmap pool wrapped (flush_all_zero_pkmaps passes)'),
  tlb_flush_global: n('global TLB flushes'),
  invlpg: n('single-page TLB invalidations'),
  vm_exits: n('VM exits (0 on bare metal)'),
  writeback_end_s: n('seconds until the disk finished writing back'),
  dump_mb_per_s: n('dump rate, MB (10^6 bytes) per second of real time'),
});
/** The metrics of a `kmemsim checkpoint` run. */
export type CheckpointMetrics = z.infer<typeof CheckpointMetricsSchema>;
/** A `kmemsim checkpoint` run with its metrics typed. */
export type CheckpointRun = TypedRun<CheckpointMetrics, Record<never, never>>;

const overhead = n('percent over the rmap=none baseline of the workload headline (params.overhead_of)');
const forkShape = {
  fork_us: n('microseconds per fork'),
  exit_us: n('microseconds per child exit'),
  real_us: n('wall microseconds of the whole workload'),
  rmap_bytes_per_pte: n('rmap memory per mapped PTE at the peak (all children forked), bytes'),
  rmap_bytes_per_pte_before_fork: n('rmap memory per mapped PTE before the first fork, bytes'),
  overhead_pct: overhead,
  // --fidelity sampled only (packages/rmap/src/sample.ts).
  estimate_bound_pct: n(
    '--fidelity sampled: bound of fork_us, exit_us and real_us against the exact model, percent (0: every page followed)',
  ).optional(),
  sampling_halfwidth_pct: n("--fidelity sampled: of which this run's 95 % sampling half-width, percent").optional(),
  sampled_pages_pct: n(
    '--fidelity sampled: PTE pages of fork and exit followed through the caches, percent',
  ).optional(),
};
/** `kmemsim rmap-fork` run metrics, one shape per workload family (rmap's runRmapFork, runLat, runKernelCompile). */
export const RmapForkMetricsSchema = z.union([
  z.strictObject(forkShape).describe('--workload fork-exit, script'),
  z.strictObject({ ...forkShape, reclaim_us: n('microseconds of the reclaim scan') }).describe('--workload reclaim'),
  z.strictObject({ lat_us: n('microseconds per operation'), overhead_pct: overhead }).describe('--workload lat-*'),
  z
    .strictObject({
      elapsed_s: n('elapsed seconds of the build'),
      user_s: n('user seconds, all processes'),
      sys_s: n('system seconds, all processes'),
      rmap_sys_s: n('system seconds spent in the rmap functions'),
      processes: n('processes the build forked'),
      overhead_pct: overhead,
      sys_overhead_pct: n('percent of system time over the rmap=none baseline'),
    })
    .describe('--workload kernel-compile'),
]);
/** The metrics of a `kmemsim rmap-fork` run: one of the workload families' shapes. */
export type RmapForkMetrics = z.infer<typeof RmapForkMetricsSchema>;
/** A `kmemsim rmap-fork` run with its metrics typed (narrow on a key: `'lat_us' in run.metrics`). */
export type RmapForkRun = TypedRun<RmapForkMetrics, Record<never, never>>;

/** The cases test_vmalloc runs (lib/test_vmalloc.c's test_case_array, minus the unmodelled kvfree_rcu ones). */
export const TEST_VMALLOC_CASES = [
  'fix_size_alloc_test',
  'full_fit_alloc_test',
  'long_busy_list_alloc_test',
  'random_size_alloc_test',
  'fix_align_alloc_test',
  'random_size_align_alloc_test',
  'align_shift_alloc_test',
  'pcpu_alloc_test',
  'vm_map_ram_test',
] as const;
/** A case name of {@link TEST_VMALLOC_CASES}. */
export type TestVmallocCase = (typeof TEST_VMALLOC_CASES)[number];

const testVmallocFixed = {
  worker_cycles_max: n('cycles of the slowest worker'),
  worker_cycles_avg: n('mean cycles per worker'),
  stale_translations: n('uses of a stale translation the TLB detector saw (0 for a correct design)'),
  unmodelled_mask: n('bits of --run-test-mask that name unmodelled cases (skipped)'),
  loops_detailed: n('loops simulated in full detail'),
  loops_extrapolated: n('loops extrapolated from sampled ones (0 with --exact)'),
  error_bound_pct: n("bound on the extrapolation's error, percent of all workers' cycles"),
};
/** `kmemsim test-vmalloc` run metrics: per selected case `<case>.avg_usec`, `.failed`, `.error_bound_pct`. */
export const TestVmallocMetricsSchema = z.strictObject({
  ...testVmallocFixed,
  ...Object.fromEntries(
    TEST_VMALLOC_CASES.flatMap((c) => [
      [`${c}.avg_usec`, n(`${c}: mean microseconds per worker run (the module's "avg")`).optional()],
      [`${c}.failed`, n(`${c}: worker runs that failed`).optional()],
      [`${c}.error_bound_pct`, n(`${c}: extrapolation error bound, percent of its cycles`).optional()],
    ]),
  ),
});
/** The metrics of a `kmemsim test-vmalloc` run (per-case keys present for the cases --run-test-mask selects). */
export type TestVmallocMetrics = { [K in keyof typeof testVmallocFixed]: number } & {
  [K in `${string}.avg_usec` | `${string}.failed` | `${string}.error_bound_pct`]: number;
};
/** A `kmemsim test-vmalloc` run: metrics typed, `counters.test_vmalloc.worker_cycles` per worker. */
export type TestVmallocRun = TypedRun<
  TestVmallocMetrics,
  { test_vmalloc: { worker_cycles: { [worker: string]: number } } }
>;

/** Schema of a run whose metrics follow `metrics`. */
function runSchema(metrics: z.ZodType<Record<string, number>>) {
  return RunSchema.extend({ metrics });
}

const RUNS = {
  checkpoint: runSchema(CheckpointMetricsSchema),
  'rmap-fork': runSchema(RmapForkMetricsSchema),
  'test-vmalloc': runSchema(TestVmallocMetricsSchema).extend({
    counters: RunSchema.shape.counters.and(
      z.object({ test_vmalloc: z.object({ worker_cycles: z.record(z.string(), z.number()) }) }),
    ),
  }),
} as const;

/** The typed run of each of these commands. */
export interface TypedRuns {
  /** A run of `kmemsim checkpoint` (one per --map). */
  checkpoint: CheckpointRun;
  /** A run of `kmemsim rmap-fork` (one per design). */
  'rmap-fork': RmapForkRun;
  /** A run of `kmemsim test-vmalloc` (one per --impl). */
  'test-vmalloc': TestVmallocRun;
}
/** A command of {@link TypedRuns}. */
export type TypedCommand = keyof TypedRuns;
/** The result document of `command` with its runs typed. */
export type TypedDocument<C extends TypedCommand> = Omit<ResultDocument, 'command' | 'runs'> & {
  command: C;
  runs: TypedRuns[C][];
};

/**
 * Checks a run a command is about to print against its schema and returns it typed (the same object). A mismatch
 * is a bug in kmemsim, not bad input: it throws with the first issue's path.
 */
export function typedRun<C extends TypedCommand>(command: C, run: Run): TypedRuns[C] {
  const r = RUNS[command].safeParse(run);
  if (!r.success) {
    const i = r.error.issues[0];
    throw new Error(`${command}: run metrics do not match the command's schema at ${i?.path.join('.')}: ${i?.message}`);
  }
  return run as TypedRuns[C];
}

/** Parses a `--format json` document of `command` (for consumers and tests): the document schema and its runs'. */
export function parseTypedDocument<C extends TypedCommand>(command: C, json: unknown): TypedDocument<C> {
  const doc = ResultDocumentSchema.extend({ command: z.literal(command) }).parse(json);
  for (const run of doc.runs) typedRun(command, run);
  return doc as TypedDocument<C>;
}
