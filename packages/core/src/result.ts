// The one result document every command prints with --format json (DESIGN.md, "CLI contract").
import { z } from 'zod';
import type { Engine, Thread } from './engine.js';
import { type ProfileRow, profileRows } from './formatters.js';

/** Identifier of the result document's schema (`schema` field of every `--format json` output). */
export const RESULT_SCHEMA_ID = 'kmemsim/result@1';

const Scalar = z.union([z.string(), z.number(), z.boolean()]);
/** A counter value, or a level of dotted counter names (`syscalls.mmap` → `{ syscalls: { mmap } }`). */
export type CounterTree = number | { [k: string]: CounterTree };
const CounterTree: z.ZodType<CounterTree> = z.lazy(() => z.union([z.number(), z.record(z.string(), CounterTree)]));

/**
 * time(1) of the measured process: real, user and sys seconds. `user_s` is null where the command simulates no
 * user-space work (unmodelled, which is not 0: formats print `unmodelled`).
 */
export const TimeSchema = z.object({
  real_s: z.number().nonnegative(),
  user_s: z
    .number()
    .nonnegative()
    .nullable()
    .describe("user seconds; null where the command models no user-space work (printed 'unmodelled', not 0)"),
  sys_s: z.number().nonnegative(),
});

/** One profile row of a run (see {@link ProfileRow}). */
export const ProfileRowSchema = z.object({
  symbol: z.string(),
  cycles: z.number().nonnegative(),
  ticks: z.number().int().nonnegative(),
  percent: z.number().nonnegative(),
  load: z.number().nonnegative(),
});

/** One folded stack: `command;frame;…;symbol` and the CPU cycles charged there (flame graphs). */
export const StackSchema = z.object({
  stack: z.string(),
  cycles: z.number().nonnegative(),
  /** The symbol runs in user space (perf's `[.]`, shared object the command's binary). */
  user: z.literal(true).optional(),
});

/** One run of a command: its variant (the option values that differ between runs), metrics, time, counters, profile. */
export const RunSchema = z.object({
  variant: z.record(z.string(), Scalar),
  metrics: z.record(z.string(), z.number()),
  time: TimeSchema,
  counters: z.record(z.string(), CounterTree),
  profile: z.array(ProfileRowSchema),
  /** Folded stacks of the run's CPU time, most cycles first (absent where nothing was simulated). */
  stacks: z.array(StackSchema).optional(),
});

/** Where a document came from: the kmemsim version, the command line and every option's resolved value. */
export const ProvenanceSchema = z.object({
  kmemsim: z.string(),
  command_line: z.string(),
  options: z.record(z.string(), z.unknown()),
});

/** Where a third-party arch plugin came from (absent for the built-in arches). */
export const ArchSourceSchema = z.object({
  kind: z.enum(['builtin', 'package', 'file']).describe('builtin, an installed package (--arch NAME) or a file'),
  package: z.string().optional().describe('the package the plugin came from (a file: the package it sits in)'),
  version: z.string().optional().describe("that package's version"),
  file: z.string().optional().describe('absolute path of the module that was loaded'),
  sha256: z.string().optional().describe("SHA-256 of that file's bytes"),
});

/**
 * The result document every command prints with `--format json`: command, arch (and where a plugin came from),
 * virt mode, CPUs, seed, parameters and the runs.
 */
export const ResultDocumentSchema = z.object({
  schema: z.literal(RESULT_SCHEMA_ID),
  command: z.string(),
  arch: z.string(),
  arch_source: ArchSourceSchema.optional(),
  virt: z.string(),
  cpus: z.number().int().positive(),
  seed: z.number().int(),
  /** Absent in documents written before kmemsim recorded it. */
  provenance: ProvenanceSchema.optional(),
  params: z.record(z.string(), z.unknown()),
  runs: z.array(RunSchema),
});

/** time(1) of a run in seconds (see {@link TimeSchema}). */
export type Time = z.infer<typeof TimeSchema>;
/** What produced a result document: kmemsim version, command line, resolved options. */
export type Provenance = z.infer<typeof ProvenanceSchema>;
/** Where a third-party arch plugin came from: package, version, file and its SHA-256. */
export type ArchSource = z.infer<typeof ArchSourceSchema>;
/** One run of a result document (see {@link RunSchema}). */
export type Run = z.infer<typeof RunSchema>;
/** A folded stack of a run (`cmd;syscall;function` and its cycles). */
export type Stack = z.infer<typeof StackSchema>;
/** The document a command prints with `--format json` (see {@link ResultDocumentSchema}). */
export type ResultDocument = z.infer<typeof ResultDocumentSchema>;

/**
 * A run whose metrics and counters are typed per command (`VmcoreRun`, `VmapBenchRun`, …), so strict TypeScript
 * catches a wrong key: `M` lists every metric; `C` the counters the command guarantees (others a machine adds, such
 * as `ipi` or `vm_exit.*`, read as {@link CounterTree}). Assignable to {@link Run}.
 */
export type TypedRun<M extends Record<string, number>, C extends Record<string, CounterTree>> = Omit<
  Run,
  'metrics' | 'counters'
> & {
  /** The command's headline numbers, every key known. */
  metrics: M;
  /** Every counter of the run, nested by dots; the command's own ones typed. */
  counters: C & { [name: string]: CounterTree };
};

/** The JSON Schema of the result document (draft 2020-12), as shipped in schema/result.schema.json. */
export function resultJsonSchema(): Record<string, unknown> {
  return {
    $id: 'https://kmemsim.dev/schema/result@1.json',
    title: 'kmemsim result document',
    ...(z.toJSONSchema(ResultDocumentSchema) as Record<string, unknown>),
  };
}

/** What {@link runFromEngine} puts into a run besides what the engine holds. */
export interface RunFromEngineOptions<M extends Record<string, number> = Record<string, number>> {
  /** The option values that identify this run (`{ impl: 'lazy', threads: 8 }`). */
  variant: Record<string, string | number | boolean>;
  /** The command's headline numbers (`ns_per_op`, `mb_per_s`, …). */
  metrics: M;
  /** The threads that make up the measured process (time(1) is per process). Default: every thread. */
  threads?: Thread[];
  /** Wall-clock end of the measurement in cycles. Default: the latest end of `threads`. */
  realCycles?: number;
  /**
   * Profiling tick rate for the profile's ticks column, Hz (default 1000). The ticks and load columns follow the
   * timer-tick rule where the profiler has IF = 0 handlers marked (see Profiler.markIrqOff).
   */
  tickRateHz?: number;
  /** Profile rows kept (default 20). */
  top?: number;
  /**
   * False where the command simulates no user-space work of the measured process: `time.user_s` is then null
   * (unmodelled), not the 0 its threads hold. Default true.
   */
  userModelled?: boolean;
}

/** A run as {@link runFromEngine} builds it: the command's metrics typed, time as `T`. */
export type EngineRun<M extends Record<string, number>, T = Time> = Omit<Run, 'metrics' | 'time'> & {
  metrics: M;
  profile: ProfileRow[];
  time: T;
};

/**
 * Builds a run record from a finished engine: time(1) of the process, every counter, the profile. Unless
 * `userModelled` is false, `time.user_s` is a number.
 */
export function runFromEngine<M extends Record<string, number>>(
  engine: Engine,
  o: RunFromEngineOptions<M> & { userModelled?: true },
): EngineRun<M, Time & { user_s: number }>;
/** Builds a run record from a finished engine; `time.user_s` is null where `userModelled` is false. */
export function runFromEngine<M extends Record<string, number>>(
  engine: Engine,
  o: RunFromEngineOptions<M>,
): EngineRun<M>;
export function runFromEngine<M extends Record<string, number>>(
  engine: Engine,
  o: RunFromEngineOptions<M>,
): EngineRun<M> {
  engine.tracer?.run?.(o.variant);
  const threads = o.threads ?? engine.threads;
  const start = Math.min(...threads.map((t) => t.startCycle));
  const end = o.realCycles ?? Math.max(...threads.map((t) => t.endCycle || t.clock));
  const hz = engine.clockHz;
  const sum = (f: (t: Thread) => number) => threads.reduce((a, t) => a + f(t), 0);
  return {
    variant: o.variant,
    metrics: o.metrics,
    time: {
      real_s: roundTo((end - start) / hz, 6),
      user_s: o.userModelled === false ? null : roundTo(sum((t) => t.userCycles) / hz, 6),
      sys_s: roundTo(sum((t) => t.sysCycles) / hz, 6),
    },
    counters: engine.counters.toJSON() as Record<string, CounterTree>,
    profile: profile(engine, hz, o.tickRateHz ?? 1000, o.top ?? 20),
    stacks: engine.profiler
      .folded()
      .map((s) => ({ stack: s.stack, cycles: Math.round(s.cycles), ...(s.user ? { user: s.user } : {}) }))
      .filter((s) => s.cycles > 0),
  };
}

/**
 * The run's profile rows, by cycle accounting (perf's view: rows, cycles, percent). Where the machine marked IF = 0
 * handlers (mmu's Machine does, per arch), the ticks and load columns are readprofile's: sampled by the timer tick
 * (Profiler.withSampledTicks), so such a handler shows 0 ticks and the tasks it interrupted take its ticks.
 */
function profile(engine: Engine, clockHz: number, tickRateHz: number, top: number): ProfileRow[] {
  const rows = profileRows(engine.profiler, { clockHz, tickRateHz, top });
  return engine.profiler.irqOff.size > 0 ? engine.profiler.withSampledTicks(rows, { clockHz, tickRateHz }) : rows;
}

/** Rounds `x` to `digits` decimal places (for stable JSON output). */
export function roundTo(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
