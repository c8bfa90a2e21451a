export { CallPaths, CycleArena, CycleStore, type FoldedStack, type FrameId, type PathNode } from './callpath.js';
export { type CounterInfo, Counters } from './counters.js';
export {
  DeadlockError,
  Engine,
  type EngineOptions,
  type EngineTracer,
  type InstantHook,
  type Op,
  SimulationError,
  type SpendHook,
  Thread,
  type ThreadBody,
} from './engine.js';
export {
  formatPerfReport,
  formatPerfReportStdio,
  formatPerfStat,
  formatReadprofile,
  formatTime,
  type PerfReportOptions,
  type ProfileRow,
  type ProfileRowOptions,
  perfStatOf,
  profileRows,
} from './formatters.js';
export { IoDevice, type IoDeviceOptions } from './io.js';
export { Ipi, type IpiCall, type IpiCosts, type IpiTargets } from './ipi.js';
export {
  BitSpinlocks,
  type LockCosts,
  type LockOptions,
  Mutex,
  type MutexOptions,
  RwLock,
  type RwLockFairness,
  Spinlock,
  WaitQueue,
} from './locks.js';
export {
  IDLE_FRAME,
  type ProfileEntry,
  Profiler,
  type SymbolClass,
  type SymbolId,
  type SymbolInfo,
  type TickSampling,
} from './profiler.js';
export {
  HeldCopy,
  type ProfileSnapshot,
  type RowLayout,
  RunCopy,
  SnapSlab,
  type StoreCopy,
  snapshotRows,
} from './replay.js';
export {
  type ArchSource,
  ArchSourceSchema,
  type CounterTree,
  type EngineRun,
  type Provenance,
  ProvenanceSchema,
  RESULT_SCHEMA_ID,
  type ResultDocument,
  ResultDocumentSchema,
  type Run,
  type RunFromEngineOptions,
  RunSchema,
  resultJsonSchema,
  roundTo,
  runFromEngine,
  type Stack,
  StackSchema,
  type Time,
  type TypedRun,
} from './result.js';
export { Rng } from './rng.js';
export type { SchedNumber, SchedRecord, SchedTunables } from './sched-record.js';
export { SCHED_CFS_6_1, SCHED_EEVDF_6_9, schedTunables } from './sched-record.js';
export type { SysCycles } from './thread.js';
export { type TickOptions, type TickPhase, TimerTick } from './timer-tick.js';
export {
  observeEngines,
  QUIET_COUNTERS,
  type TraceOptions,
  TraceRecorder,
  type TraceRunSummary,
  type TraceSummary,
} from './trace.js';
export { checkTraceEvents } from './trace-check.js';
export {
  isUncertain,
  type Sensitivity,
  type SensitivityEntry,
  type UncertainRange,
  uncertainRange,
  valueAt,
  withValueAt,
} from './uncertain.js';
export { fls, formatSize, parseSize, roundupPowerOfTwo, SizeError } from './units.js';
export { Work } from './workqueue.js';
