// Per-CPU caches as LRU sets, with the coherence a 2002 SMP bus or a NUMA interconnect gives them: a line another
// CPU modified is a cache-to-cache transfer, a store to a line others hold invalidates their copies, a miss is
// served by the memory of the line's home node. Models that follow kernel data structures line by line (rmap's
// struct pages, chain nodes, page tables, locks) ask it what each access costs on the machine being simulated.
//
// Representation: tags, stored versions and LRU stamps in typed arrays per level (all CPUs in one array), and per
// coherence line a version, the modifying CPU and a holder mask. A copy is valid while its stored version equals
// the line's; a store by a CPU while other CPUs may hold copies bumps the version, so every other copy goes stale
// without looking for it. Evictions do not clear holder bits (a later store may pay an invalidation that the
// hardware would have skipped) and a line written back by eviction still counts as modified by its writer.
import type { ArchCache, ArchCacheLevel, ArchNuma, ArchProfile } from './schema.js';

export class CacheModelError extends Error {
  override name = 'CacheModelError';
}

class Level {
  readonly sets: number;
  readonly setMask: number;
  readonly ways: number;
  readonly lineBytes: number;
  /** Lines installed together on a miss (sector / line). */
  readonly sectorLines: number;
  readonly hitCycles: number;
  readonly tags: Float64Array;
  readonly vers: Uint32Array;
  readonly stamps: Float64Array;
  hits = 0;
  misses = 0;

  constructor(g: ArchCacheLevel, cpus: number) {
    this.sets = g.sizeBytes / (g.ways * g.lineBytes);
    if (!Number.isInteger(this.sets) || (this.sets & (this.sets - 1)) !== 0) {
      throw new CacheModelError(`cache level of ${g.sizeBytes} bytes: set count ${this.sets} is not a power of two`);
    }
    this.setMask = this.sets - 1;
    this.ways = g.ways;
    this.lineBytes = g.lineBytes;
    this.sectorLines = Math.max(1, (g.sectorBytes ?? g.lineBytes) / g.lineBytes);
    this.hitCycles = g.hitCycles;
    const n = cpus * this.sets * this.ways;
    this.tags = new Float64Array(n);
    this.vers = new Uint32Array(n);
    this.stamps = new Float64Array(n);
  }
}

export interface CacheStats {
  accesses: number;
  /** Hits per level, L1 first. */
  levelHits: number[];
  memoryLocal: number;
  memoryRemote: number;
  transfersLocal: number;
  transfersRemote: number;
  upgrades: number;
}

export interface CacheModelOptions {
  cache: ArchCache;
  numa?: ArchNuma | null;
  cpus: number;
  /** Bytes per home-node granule (the page size: memory is placed page by page). */
  pageBytes?: number;
}

export class CacheModel {
  readonly cpus: number;
  readonly levels: Level[];
  /** Coherence granule: the largest line of any level. */
  readonly cohBytes: number;
  readonly memoryCycles: number;
  readonly transferCycles: number;
  readonly upgradeCycles: number;
  readonly atomicCycles: number;
  readonly remoteMemoryCycles: number;
  readonly remoteTransferCycles: number;
  readonly cpusPerNode: number;
  readonly nodes: number;
  private readonly pageBytes: number;
  private version = new Uint32Array(1 << 16);
  private writer = new Int16Array(1 << 16).fill(-1);
  private holdLo = new Uint32Array(1 << 16);
  private holdHi = new Uint32Array(1 << 16);
  private home: Int8Array = new Int8Array(1 << 12);
  private clock = 0;
  // Per CPU: the L1 slot of the last access, to skip the set scan for runs of accesses to one line.
  private readonly lastLine: Float64Array;
  private readonly lastSlot: Int32Array;
  readonly stats: CacheStats;

  constructor(o: CacheModelOptions) {
    const c = o.cache;
    this.cpus = o.cpus;
    const geo = [c.l1d, c.l2, ...(c.l3 ? [c.l3] : [])];
    this.levels = geo.map((g) => new Level(g, o.cpus));
    this.cohBytes = Math.max(...geo.map((g) => g.lineBytes));
    this.memoryCycles = c.memoryCycles;
    this.transferCycles = c.transferCycles;
    this.upgradeCycles = c.upgradeCycles;
    this.atomicCycles = c.atomicCycles;
    const n = o.numa ?? null;
    this.nodes = n ? n.nodes : 1;
    this.cpusPerNode = n ? n.cpusPerNode : Math.max(1, o.cpus);
    this.remoteMemoryCycles = n ? n.remoteMemoryCycles : c.memoryCycles;
    this.remoteTransferCycles = n ? n.remoteTransferCycles : c.transferCycles;
    this.pageBytes = o.pageBytes ?? 4096;
    this.lastLine = new Float64Array(o.cpus).fill(-1);
    this.lastSlot = new Int32Array(o.cpus);
    this.stats = {
      accesses: 0,
      levelHits: this.levels.map(() => 0),
      memoryLocal: 0,
      memoryRemote: 0,
      transfersLocal: 0,
      transfersRemote: 0,
      upgrades: 0,
    };
  }

  /** NUMA node of a CPU (0 without NUMA). */
  nodeOf(cpu: number): number {
    return Math.min(this.nodes - 1, Math.floor(cpu / this.cpusPerNode));
  }

  /** Places [addr, addr + bytes) on a node's memory (default: node 0). */
  setHome(addr: number, bytes: number, node: number): void {
    const first = Math.floor(addr / this.pageBytes);
    const last = Math.floor((addr + bytes - 1) / this.pageBytes);
    if (last >= this.home.length) this.home = grow8(this.home, last + 1, 0);
    this.home.fill(node, first, last + 1);
  }

  homeOf(addr: number): number {
    const p = Math.floor(addr / this.pageBytes);
    return p < this.home.length ? this.home[p] : 0;
  }

  /** Cycles of a load at `addr` by `cpu`. */
  read(cpu: number, addr: number): number {
    return this.access(cpu, addr, false);
  }

  /** Cycles of a store (or the line fetch of a read-modify-write) at `addr` by `cpu`. */
  write(cpu: number, addr: number): number {
    return this.access(cpu, addr, true);
  }

  /** A LOCK-prefixed read-modify-write: the line's fetch for ownership plus the locked operation itself. */
  atomic(cpu: number, addr: number): number {
    return this.access(cpu, addr, true) + this.atomicCycles;
  }

  private ensure(cl: number): void {
    if (cl < this.version.length) return;
    const n = Math.max(cl + 1, this.version.length * 2);
    const v = new Uint32Array(n);
    v.set(this.version);
    this.version = v;
    const w = new Int16Array(n).fill(-1);
    w.set(this.writer);
    this.writer = w;
    const lo = new Uint32Array(n);
    lo.set(this.holdLo);
    this.holdLo = lo;
    const hi = new Uint32Array(n);
    hi.set(this.holdHi);
    this.holdHi = hi;
  }

  access(cpu: number, addr: number, write: boolean): number {
    const st = this.stats;
    st.accesses++;
    const cl = Math.floor(addr / this.cohBytes);
    if (cl >= this.version.length) this.ensure(cl);
    const l1 = this.levels[0];
    const line1 = Math.floor(addr / l1.lineBytes);
    // Fast path: the same L1 line as this CPU's last access, still valid, and (for a store) already owned.
    if (this.lastLine[cpu] === line1) {
      const s = this.lastSlot[cpu];
      if (l1.tags[s] === line1 + 1 && l1.vers[s] === this.version[cl] && (!write || this.writer[cl] === cpu)) {
        l1.stamps[s] = ++this.clock;
        l1.hits++;
        st.levelHits[0]++;
        return l1.hitCycles;
      }
    }
    const ver = this.version[cl];
    const levels = this.levels;
    let hitAt = -1;
    let slot = -1;
    for (let l = 0; l < levels.length; l++) {
      const lv = levels[l];
      const line = l === 0 ? line1 : Math.floor(addr / lv.lineBytes);
      const base = (cpu * lv.sets + (line & lv.setMask)) * lv.ways;
      const tag = line + 1;
      for (let w = 0; w < lv.ways; w++) {
        if (lv.tags[base + w] !== tag) continue;
        if (lv.vers[base + w] === ver) {
          hitAt = l;
          slot = base + w;
        } else lv.tags[base + w] = 0; // a stale copy: invalidated by another CPU's store
        break;
      }
      if (hitAt >= 0) break;
      lv.misses++;
    }
    let cycles: number;
    const bit = cpu & 31;
    const hiHalf = (cpu & 32) !== 0;
    const others = hiHalf
      ? this.holdLo[cl] !== 0 || (this.holdHi[cl] & ~(1 << bit)) !== 0
      : (this.holdLo[cl] & ~(1 << bit)) !== 0 || this.holdHi[cl] !== 0;
    if (hitAt >= 0) {
      const lv = levels[hitAt];
      lv.stamps[slot] = ++this.clock;
      lv.hits++;
      st.levelHits[hitAt]++;
      cycles = lv.hitCycles;
      if (write && others) {
        cycles += this.upgradeCycles;
        st.upgrades++;
      }
    } else {
      const w = this.writer[cl];
      const myNode = this.nodeOf(cpu);
      if (w >= 0 && w !== cpu) {
        const local = this.nodeOf(w) === myNode;
        cycles = local ? this.transferCycles : this.remoteTransferCycles;
        if (local) st.transfersLocal++;
        else st.transfersRemote++;
      } else {
        const local = this.homeOf(addr) === myNode;
        cycles = local ? this.memoryCycles : this.remoteMemoryCycles;
        if (local) st.memoryLocal++;
        else st.memoryRemote++;
      }
    }
    let newVer = ver;
    if (write) {
      if (others) newVer = (ver + 1) >>> 0;
      this.version[cl] = newVer;
      this.writer[cl] = cpu;
      this.holdLo[cl] = hiHalf ? 0 : 1 << bit;
      this.holdHi[cl] = hiHalf ? 1 << bit : 0;
    } else {
      if (this.writer[cl] !== cpu) this.writer[cl] = -1;
      if (hiHalf) this.holdHi[cl] |= 1 << bit;
      else this.holdLo[cl] |= 1 << bit;
    }
    // Install in (or refresh) every level above the one that hit; the hit level's own copy carries the version.
    const upto = hitAt >= 0 ? hitAt : levels.length;
    for (let l = 0; l < upto; l++) {
      const s = this.fill(levels[l], cpu, addr, newVer);
      if (l === 0) slot = s;
    }
    if (hitAt > 0 || (hitAt === 0 && newVer !== ver)) {
      // Keep the copies below the filled levels (and the L1 hit itself) at the line's current version.
      for (let l = Math.max(hitAt, 0); l < levels.length; l++) this.refresh(levels[l], cpu, addr, newVer);
      if (hitAt === 0) slot = this.find(l1, cpu, line1);
    }
    this.lastLine[cpu] = line1;
    this.lastSlot[cpu] = slot;
    return cycles;
  }

  /** Installs the line (and the rest of its sector) at this level; returns the line's slot. */
  private fill(lv: Level, cpu: number, addr: number, ver: number): number {
    const line = Math.floor(addr / lv.lineBytes);
    if (lv.sectorLines === 1) return this.install(lv, cpu, line, ver, true);
    const first = line - (line % lv.sectorLines);
    let slot = -1;
    for (let k = 0; k < lv.sectorLines; k++) {
      const ln = first + k;
      if (ln === line) {
        slot = this.install(lv, cpu, ln, ver, true);
        continue;
      }
      // The sector's other line comes along unless another CPU holds it modified; this CPU now holds a copy.
      const scl = Math.floor((ln * lv.lineBytes) / this.cohBytes);
      this.ensure(scl);
      const w = this.writer[scl];
      if (w >= 0 && w !== cpu) continue;
      if ((cpu & 32) !== 0) this.holdHi[scl] |= 1 << (cpu & 31);
      else this.holdLo[scl] |= 1 << (cpu & 31);
      this.install(lv, cpu, ln, this.version[scl], false);
    }
    return slot;
  }

  /** Puts one line in its set (LRU victim unless present); a sector sibling already present is left alone. */
  private install(lv: Level, cpu: number, line: number, ver: number, force: boolean): number {
    const base = (cpu * lv.sets + (line & lv.setMask)) * lv.ways;
    const tag = line + 1;
    let victim = base;
    let oldest = Number.POSITIVE_INFINITY;
    for (let w = 0; w < lv.ways; w++) {
      const s = base + w;
      if (lv.tags[s] === tag) {
        if (force) {
          lv.vers[s] = ver;
          lv.stamps[s] = ++this.clock;
        }
        return s;
      }
      // An empty way, or a copy another CPU's store invalidated, is free before any valid line is evicted.
      const t = lv.tags[s];
      const age =
        t === 0 || lv.vers[s] !== this.version[Math.floor(((t - 1) * lv.lineBytes) / this.cohBytes)]
          ? -1
          : lv.stamps[s];
      if (age < oldest) {
        oldest = age;
        victim = s;
      }
    }
    lv.tags[victim] = tag;
    lv.vers[victim] = ver;
    lv.stamps[victim] = ++this.clock;
    return victim;
  }

  private find(lv: Level, cpu: number, line: number): number {
    const base = (cpu * lv.sets + (line & lv.setMask)) * lv.ways;
    for (let w = 0; w < lv.ways; w++) if (lv.tags[base + w] === line + 1) return base + w;
    return -1;
  }

  private refresh(lv: Level, cpu: number, addr: number, ver: number): void {
    const s = this.find(lv, cpu, Math.floor(addr / lv.lineBytes));
    if (s >= 0) lv.vers[s] = ver;
  }

  /** Forgets every cached line (caches cold), keeping home placements. */
  flushAll(): void {
    for (const lv of this.levels) lv.tags.fill(0);
    this.lastLine.fill(-1);
  }
}

function grow8(a: Int8Array, min: number, fill: number): Int8Array {
  const b = new Int8Array(Math.max(min, a.length * 2)).fill(fill);
  b.set(a);
  return b;
}

/** The cache model of an arch profile, or null if the profile gives no cache geometry. */
export function createCacheModel(arch: ArchProfile, cpus: number): CacheModel | null {
  if (!arch.cache) return null;
  return new CacheModel({ cache: arch.cache, numa: arch.numa ?? null, cpus, pageBytes: arch.pageBytes });
}
