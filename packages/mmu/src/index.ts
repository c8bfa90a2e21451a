export { CacheModel, CacheModelError, type CacheModelOptions, type CacheStats } from './cache.js';
export { createCacheModel, isPlainTwoLevel, TwoLevelCacheModel } from './cache-two-level.js';
export { CONFORMANCE_CHECKS, type ConformanceCheck, type ConformanceFinding, runConformance } from './conformance.js';
export { ARCH_PROFILE_SCHEMA_ID, archProfileJsonSchema } from './json-schema.js';
export { DEFAULT_KVM, KVM_VERSIONS, type KvmRules, type KvmVersion, kvmRules } from './kvm-era.js';
export { createMachine, Machine, MachineError, type MachineOptions, type MachineSymbols } from './machine.js';
export { PteTable } from './pte-table.js';
export {
  type ArchCache,
  type ArchCacheLevel,
  type ArchCosts,
  type ArchNuma,
  type ArchProfile,
  ArchProfileSchema,
  STRUCT_PAGE_MAX_BYTES,
  STRUCT_PAGE_MIN_BYTES,
  VIRT_MODES,
  type VirtMechanismCosts,
  VirtMechanismSchema,
  type VirtModeName,
  type VirtOverride,
} from './schema.js';
export { type Sourced, sourced } from './sourced.js';
export { nearest } from './strict.js';
export { type StaleReport, Tlb } from './tlb.js';
export {
  type ArchProblem,
  ArchValidationError,
  checkArch,
  defineArch,
  type Exact,
  formatProblems,
  numericPaths,
  validateArch,
} from './validate.js';
export { type EffectiveCosts, effectiveCosts, VirtModeError, virtOverride } from './virt.js';
export { EXIT_KINDS, type ExitKind, GuestPageTable, mechanismOf, VirtOps } from './virt-ops.js';
