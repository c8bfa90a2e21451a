export { type CounterInfo, Counters } from './counters.js';
export {
  DeadlockError,
  Engine,
  type EngineOptions,
  type InstantHook,
  type Op,
  SimulationError,
  type SpendHook,
  Thread,
  type ThreadBody,
} from './engine.js';
export {
  formatPerfReport,
  formatPerfStat,
  formatReadprofile,
  formatTime,
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
  Spinlock,
  WaitQueue,
} from './locks.js';
export { type ProfileEntry, Profiler, type SymbolClass, type SymbolId, type SymbolInfo } from './profiler.js';
export {
  type ArchSource,
  ArchSourceSchema,
  RESULT_SCHEMA_ID,
  type ResultDocument,
  ResultDocumentSchema,
  type Run,
  type RunFromEngineOptions,
  RunSchema,
  resultJsonSchema,
  roundTo,
  runFromEngine,
  type Time,
} from './result.js';
export { Rng } from './rng.js';
export { observeEngines, type TraceEvent, type TraceOptions, TraceRecorder } from './trace.js';
export { isUncertain, type UncertainRange, uncertainRange } from './uncertain.js';
export { fls, formatSize, parseSize, roundupPowerOfTwo, SizeError } from './units.js';
