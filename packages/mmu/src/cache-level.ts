// One cache level's storage (tags and LRU stamps of every CPU's sets) and the model's option and statistics types.
import type { ArchCache, ArchCacheLevel, ArchNuma } from './schema.js';

/** Thrown when a cache geometry cannot be modelled (sizes not a power of two, an address out of range, …). */
export class CacheModelError extends Error {
  override name = 'CacheModelError';
}

export class Level {
  readonly sets: number;
  readonly setMask: number;
  readonly ways: number;
  readonly shift: number;
  /** Lines installed together on a miss (sector / line). */
  readonly sectorLines: number;
  readonly hitCycles: number;
  /** line + 1 per way (0 = empty), all CPUs' sets in one array. */
  readonly tags: Int32Array;
  readonly stamps: Float64Array;
  hits = 0;

  constructor(g: ArchCacheLevel, cpus: number) {
    this.sets = g.sizeBytes / (g.ways * g.lineBytes);
    if (!Number.isInteger(this.sets) || (this.sets & (this.sets - 1)) !== 0) {
      throw new CacheModelError(`cache level of ${g.sizeBytes} bytes: set count ${this.sets} is not a power of two`);
    }
    this.setMask = this.sets - 1;
    this.ways = g.ways;
    this.shift = Math.log2(g.lineBytes);
    this.sectorLines = Math.max(1, (g.sectorBytes ?? g.lineBytes) / g.lineBytes);
    this.hitCycles = g.hitCycles;
    const n = cpus * this.sets * this.ways;
    this.tags = new Int32Array(n);
    this.stamps = new Float64Array(n);
  }

  /** Slot of a line in a CPU's set if present (≥ 0), else −1 − the slot to fill (empty, or least recent). */
  probe(cpu: number, line: number): number {
    const base = (cpu * this.sets + (line & this.setMask)) * this.ways;
    const end = base + this.ways;
    const tag = line + 1;
    let victim = base;
    let oldest = Number.POSITIVE_INFINITY;
    for (let k = base; k < end; k++) {
      const t = this.tags[k];
      if (t === tag) return k;
      const age = t === 0 ? -1 : this.stamps[k];
      if (age < oldest) {
        oldest = age;
        victim = k;
      }
    }
    return -1 - victim;
  }

  /** Slot of a line in a CPU's set, or -1. */
  find(cpu: number, line: number): number {
    const base = (cpu * this.sets + (line & this.setMask)) * this.ways;
    const end = base + this.ways;
    const tag = line + 1;
    for (let k = base; k < end; k++) if (this.tags[k] === tag) return k;
    return -1;
  }
}

/** Hit and miss counts of a `CacheModel`. */
export interface CacheStats {
  /** Memory references asked of the model (loads, stores, atomics), all CPUs. */
  accesses: number;
  /** Hits per level, L1 first. */
  levelHits: number[];
  /** Misses served by the home node's memory, on the CPU's own node. */
  memoryLocal: number;
  /** Misses served by another node's memory. */
  memoryRemote: number;
  /** Misses served by a cache on the same node that had the line modified. */
  transfersLocal: number;
  /** Misses served by a cache on another node that had the line modified. */
  transfersRemote: number;
  /** Stores that invalidated copies other CPUs held. */
  upgrades: number;
}

/** Geometry of a `CacheModel`: the arch's cache section and, for NUMA machines, its NUMA section. */
export interface CacheModelOptions {
  /** The arch profile's `cache` section: L1d, L2 (and L3) geometry and latencies. */
  cache: ArchCache;
  /** The arch profile's `numa` section (null or absent: one node). */
  numa?: ArchNuma | null;
  /** CPUs to model, each with private levels. */
  cpus: number;
  /** Bytes per home-node granule (the page size: memory is placed page by page). */
  pageBytes?: number;
}

export function grow8(a: Int8Array, min: number, fill: number): Int8Array {
  const b = new Int8Array(Math.max(min, a.length * 2)).fill(fill);
  b.set(a);
  return b;
}
