// @kmemsim/vmcore: the crashed kernel's memory as data, /proc/vmcore read()/mmap() per arch, and a makedumpfile
// model (1.5.7's single mmap window, 1.7's 8-entry cache of windows) with syscall counts and a perf profile.

export {
  CLASS_CODE,
  type ClassCounts,
  checkDumpLevel,
  EXCLUDING_BITS,
  emptyCounts,
  excludes,
  PAGE_CLASSES,
  type PageClass,
} from './classes.js';
export {
  type OutputTarget,
  runVmcoreDump,
  type VmcoreCounters,
  type VmcoreDumpOptions,
  type VmcoreDumpResult,
  type VmcoreMetrics,
  type VmcoreRun,
} from './dump.js';
// Part B of issue 5 (src/elf): real synthetic x86_64 ELF vmcores and the real-makedumpfile interop helpers.
export * from './elf/index.js';
export { EXPERIMENTS, type ExperimentName, SEED001 } from './experiments/index.js';
export { type BuildImageOptions, buildImage, INDEX_STRIDE, type MemMap, type VmcoreImage } from './image.js';
export {
  archForKernel,
  DEFAULT_KERNEL,
  type KernelVersion,
  parseKernelVersion,
  rangeFlushCeiling,
  type S390Copy,
  type S390MunmapFlush,
  TLB_SINGLE_PAGE_FLUSH_CEILING,
  type VmcoreKernel,
  vmcoreKernel,
  type X86RangeFlush,
} from './kernel-era.js';
export { type ArchLike, type Layout, layoutFor, memMapPages, type PfnRange } from './layout.js';
export {
  type AccessMode,
  type DumpCounts,
  type DumpOptions,
  MAKEDUMPFILE_VERSIONS,
  type MakedumpfileVersion,
  type OutputFormat,
  type ProcessCalls,
  predictVmcoreSyscalls,
  resolveVersion,
  type SyscallCounts,
  simulateMakedumpfile,
  simulateSpec,
  type VmcoreCalls,
} from './makedumpfile.js';
export { type Cycles, cyclesOf } from './mdf/cycles.js';
export { CACHE_ENTRIES, DumpFile, type FileCalls, MAP_REGION_BYTES } from './mdf/file.js';
export { imageClasses, type SpecOptions, specFromImage } from './mdf/from-image.js';
export { type MdfOptions, type MdfResult, simulate, walksMemMap } from './mdf/simulate.js';
export * from './mdf/types.js';
export { PGMM_CACHED } from './mdf/walk.js';
export { IMAGE, KERNEL_COSTS, type KernelCosts, LAYOUTS, MAKEDUMPFILE, USER_COSTS, type UserCosts } from './params.js';
export {
  type CopyOldmemPath,
  copyPathOf,
  type MunmapCalls,
  ProcVmcore,
  type ProcVmcoreOptions,
} from './proc-vmcore.js';
export {
  type Composition,
  DEFAULT_PROFILE,
  normaliseFractions,
  PROFILE_NAMES,
  PROFILES,
  type ProfileInfo,
  type ProfileName,
  resolveComposition,
} from './profiles.js';
export { type ClassRun, classAt, classRuns, forEachBuddyBlock, forEachRun, type RunVisitor } from './runs.js';
export {
  type DumpSensitivity,
  type DumpSensitivityConfig,
  type DumpSensitivityEntry,
  dumpKnobs,
  dumpSensitivity,
} from './sensitivity.js';
