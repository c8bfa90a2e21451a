// @kmemsim/vmalloc/designs: the design registry alone (no simulation code), for option lists and help texts.
export type { HoleSearch, PerCpuBlocks, VmapDesign } from './design.js';
export {
  ALIAS_API,
  DESIGN_CHOICES,
  DESIGN_NAMES,
  DESIGNS,
  resolveDesign,
  UnknownDesignError,
} from './registry.js';
