// Per-CPU caches as LRU sets, with the coherence a 2002 SMP bus or a NUMA interconnect gives them: a line another
// CPU modified is a cache-to-cache transfer, a store to a line others hold invalidates their copies, a miss is
// served by the memory of the line's home node. Models that follow kernel data structures line by line (rmap's
// struct pages, chain nodes, page tables, locks) ask it what each access costs on the machine being simulated.
//
// Representation: tags and LRU stamps in typed arrays per level (all CPUs in one array), and per coherence line
// (the largest line of any level) the CPUs that may hold it and the one that modified it, interleaved in one array.
// A store by a CPU while others may hold the line removes their copies at once (the invalidation a bus or directory
// does). The levels are inclusive: a line evicted from a CPU's last level leaves its upper levels too, the CPU stops
// holding it, and a modified line is written back (a later miss elsewhere is served by memory). CPUs beyond 32
// share holder bits (cpu mod 32), so their copies are invalidated together.
import { CacheModelError, type CacheModelOptions, type CacheStats, grow8, Level } from './cache-level.js';

export { CacheModelError, type CacheModelOptions, type CacheStats } from './cache-level.js';

/** Addresses are below 4 GiB (32-bit physical memory of the machines modelled here). */
const ADDRESS_LIMIT = 2 ** 32;

/**
 * A set-associative, per-CPU cache hierarchy with LRU replacement, built from an arch profile's `cache` section:
 * gives the latency in cycles of each memory reference a mechanism makes (page walks, list walks).
 */
export class CacheModel {
  /** CPUs, each with its own private levels. */
  readonly cpus: number;
  /** The private levels, L1 data first (L2, then L3 where the arch has one). */
  readonly levels: Level[];
  protected readonly l1: Level;
  protected readonly last: Level;
  /** Scratch: per level, the slot a missed probe chose. */
  private readonly victims = new Int32Array(4);
  /** Coherence granule: the largest line of any level. */
  readonly cohBytes: number;
  protected readonly cohShift: number;
  /** A load served by local memory, cycles (arch `cache.memoryCycles`). */
  readonly memoryCycles: number;
  /** A load of a line another CPU on the node modified (cache-to-cache), cycles (arch `cache.transferCycles`). */
  readonly transferCycles: number;
  /** A store to a line other CPUs hold: invalidating their copies, cycles (arch `cache.upgradeCycles`). */
  readonly upgradeCycles: number;
  /** Extra cycles of a locked read-modify-write over a plain store (arch `cache.atomicCycles`). */
  readonly atomicCycles: number;
  /** A load served by another node's memory, cycles (arch `numa.remoteMemoryCycles`; local cost without NUMA). */
  readonly remoteMemoryCycles: number;
  /** A load of a line modified on another node, cycles (arch `numa.remoteTransferCycles`; local without NUMA). */
  readonly remoteTransferCycles: number;
  /** CPUs per NUMA node (all CPUs on a machine without NUMA). */
  readonly cpusPerNode: number;
  /** NUMA nodes (1 without NUMA). */
  readonly nodes: number;
  private readonly pageShift: number;
  protected readonly cpuNode: Int32Array;
  /** Per coherence line: [holder mask, modifying CPU + 1 (0 = clean)]. */
  protected line = new Int32Array(1 << 12);
  protected home: Int8Array = new Int8Array(1 << 12);
  protected clock = 0;
  // Per CPU: the L1 line and slot of the last access, to skip the set scan for runs of accesses to one line.
  protected readonly lastLine: Int32Array;
  protected readonly lastSlot: Int32Array;
  protected accesses = 0;
  protected memoryLocal = 0;
  protected memoryRemote = 0;
  protected transfersLocal = 0;
  protected transfersRemote = 0;
  protected upgrades = 0;

  constructor(o: CacheModelOptions) {
    const c = o.cache;
    this.cpus = o.cpus;
    const geo = [c.l1d, c.l2, ...(c.l3 ? [c.l3] : [])];
    this.levels = geo.map((g) => new Level(g, o.cpus));
    this.l1 = this.levels[0] as Level;
    this.last = this.levels[this.levels.length - 1] as Level;
    this.cohBytes = Math.max(...geo.map((g) => g.lineBytes));
    this.cohShift = Math.log2(this.cohBytes);
    this.memoryCycles = c.memoryCycles;
    this.transferCycles = c.transferCycles;
    this.upgradeCycles = c.upgradeCycles;
    this.atomicCycles = c.atomicCycles;
    const n = o.numa ?? null;
    this.nodes = n ? n.nodes : 1;
    this.cpusPerNode = n ? n.cpusPerNode : Math.max(1, o.cpus);
    this.remoteMemoryCycles = n ? n.remoteMemoryCycles : c.memoryCycles;
    this.remoteTransferCycles = n ? n.remoteTransferCycles : c.transferCycles;
    this.pageShift = Math.log2(o.pageBytes ?? 4096);
    this.cpuNode = Int32Array.from({ length: o.cpus }, (_, cpu) =>
      Math.min(this.nodes - 1, Math.floor(cpu / this.cpusPerNode)),
    );
    this.lastLine = new Int32Array(o.cpus).fill(-1);
    this.lastSlot = new Int32Array(o.cpus);
  }

  /** log2 of the L1 line size: callers that remember their last line compare `addr >>> l1Shift`. */
  get l1Shift(): number {
    return this.l1.shift;
  }

  /** An L1 hit, cycles. */
  get l1HitCycles(): number {
    return this.l1.hitCycles;
  }

  /**
   * Counts `n` accesses a caller served itself: each repeated the caller's previous access to the same L1 line
   * (a load, or a store after a store), which is an L1 hit that changes no state.
   */
  repeatHits(n: number): void {
    this.accesses += n;
    this.l1.hits += n;
  }

  /** What the model has counted since it was built: accesses, hits per level, memory loads and transfers. */
  get stats(): CacheStats {
    return {
      accesses: this.accesses,
      levelHits: this.levels.map((l) => l.hits),
      memoryLocal: this.memoryLocal,
      memoryRemote: this.memoryRemote,
      transfersLocal: this.transfersLocal,
      transfersRemote: this.transfersRemote,
      upgrades: this.upgrades,
    };
  }

  /** NUMA node of a CPU (0 without NUMA). */
  nodeOf(cpu: number): number {
    return this.cpuNode[cpu];
  }

  /** Places [addr, addr + bytes) on a node's memory (default: node 0). */
  setHome(addr: number, bytes: number, node: number): void {
    if (addr + bytes > ADDRESS_LIMIT) throw new CacheModelError(`address ${addr + bytes} beyond 4 GiB`);
    const first = Math.floor(addr / 2 ** this.pageShift);
    const last = Math.floor((addr + bytes - 1) / 2 ** this.pageShift);
    if (last >= this.home.length) this.home = grow8(this.home, last + 1, 0);
    this.home.fill(node, first, last + 1);
  }

  /** The node whose memory holds `addr` (set by {@link CacheModel.setHome}; node 0 otherwise). */
  homeOf(addr: number): number {
    const p = addr >>> this.pageShift;
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

  protected ensure(cl: number): void {
    const need = 2 * cl + 2;
    if (need <= this.line.length) return;
    const a = new Int32Array(Math.max(need, this.line.length * 2));
    a.set(this.line);
    this.line = a;
  }

  /** Cycles of one access (a load, or a store with `write`); updates every CPU's view of the line. */
  access(cpu: number, addr: number, write: boolean): number {
    this.accesses++;
    const cl = addr >>> this.cohShift;
    if (2 * cl + 1 >= this.line.length) this.ensure(cl);
    const l1 = this.l1;
    const line1 = addr >>> l1.shift;
    const tag = line1 + 1;
    const tags = l1.tags;
    // L1 lookup, starting with the slot of this CPU's last access (runs of accesses to one line).
    let s = this.lastLine[cpu] === line1 ? this.lastSlot[cpu] : -1;
    if (s < 0 || tags[s] !== tag) {
      s = -1;
      const base = (cpu * l1.sets + (line1 & l1.setMask)) * l1.ways;
      const end = base + l1.ways;
      for (let k = base; k < end; k++) {
        if (tags[k] === tag) {
          s = k;
          break;
        }
      }
    }
    if (s >= 0 && (!write || this.line[2 * cl] === 1 << (cpu & 31))) {
      // An L1 hit that needs no bus transaction.
      l1.stamps[s] = ++this.clock;
      l1.hits++;
      if (write) this.line[2 * cl + 1] = cpu + 1;
      this.lastLine[cpu] = line1;
      this.lastSlot[cpu] = s;
      return l1.hitCycles;
    }
    return this.slow(cpu, addr, write, cl, s);
  }

  /** An L1 miss (slot0 −1), or an L1 store hit that must first invalidate other copies. */
  protected slow(cpu: number, addr: number, write: boolean, cl: number, slot0: number): number {
    const levels = this.levels;
    const nl = levels.length;
    let hitAt = slot0 >= 0 ? 0 : -1;
    let slot = slot0;
    // Probe the lower levels; a miss remembers where the line will go (no second scan to install it).
    const victims = this.victims;
    for (let l = 1; l < nl && hitAt < 0; l++) {
      const k = (levels[l] as Level).probe(cpu, addr >>> (levels[l] as Level).shift);
      if (k >= 0) {
        hitAt = l;
        slot = k;
      } else victims[l] = -1 - k;
    }
    const bit = 1 << (cpu & 31);
    const holders = this.line[2 * cl];
    const others = holders & ~bit;
    let cycles: number;
    if (hitAt >= 0) {
      const lv = levels[hitAt] as Level;
      lv.stamps[slot] = ++this.clock;
      lv.hits++;
      cycles = lv.hitCycles;
      if (write && others !== 0) {
        cycles += this.upgradeCycles;
        this.upgrades++;
      }
    } else cycles = this.fetchFrom(cpu, addr, this.line[2 * cl + 1] - 1);
    if (write) {
      if (others !== 0) this.invalidate(cl, others, cpu);
      this.line[2 * cl] = bit;
      this.line[2 * cl + 1] = cpu + 1;
    } else {
      if (this.line[2 * cl + 1] !== cpu + 1) this.line[2 * cl + 1] = 0;
      this.line[2 * cl] = holders | bit;
    }
    // Install in every level above the one that hit, lowest first (its evictions leave the levels above).
    const upto = hitAt >= 0 ? hitAt : nl;
    for (let l = upto - 1; l >= 0; l--) {
      const lv = levels[l] as Level;
      const k =
        l > 0 && lv.sectorLines === 1
          ? this.place(lv, cpu, victims[l] as number, addr >>> lv.shift)
          : this.fill(lv, cpu, addr);
      if (l === 0) slot = k;
    }
    this.lastLine[cpu] = addr >>> this.l1.shift;
    this.lastSlot[cpu] = slot;
    return cycles;
  }

  /**
   * Cycles of a line no level of this CPU holds, given the CPU that modified it (`w`, −1: clean): a cache-to-cache
   * transfer if another CPU modified it (local or remote node), else its home node's memory; counted in the statistics.
   */
  protected fetchFrom(cpu: number, addr: number, w: number): number {
    const myNode = this.cpuNode[cpu];
    if (w >= 0 && w !== cpu) {
      if (this.cpuNode[w] === myNode) {
        this.transfersLocal++;
        return this.transferCycles;
      }
      this.transfersRemote++;
      return this.remoteTransferCycles;
    }
    if (this.homeOf(addr) === myNode) {
      this.memoryLocal++;
      return this.memoryCycles;
    }
    this.memoryRemote++;
    return this.remoteMemoryCycles;
  }

  /** Removes a coherence line from the caches of every CPU in `mask` except `self` (inclusive: last level first). */
  protected invalidate(cl: number, mask: number, self: number): void {
    const levels = this.levels;
    const nl = levels.length;
    const last = this.last;
    for (let bits = mask; bits !== 0; bits &= bits - 1) {
      const b = 31 - Math.clz32(bits & -bits);
      for (let c = b; c < this.cpus; c += 32) {
        if (c === self) continue;
        const n = this.cohShift > last.shift ? 1 << (this.cohShift - last.shift) : 1;
        const first = (cl << this.cohShift) >>> last.shift;
        let present = false;
        for (let i = 0; i < n; i++) {
          const k = last.find(c, first + i);
          if (k >= 0) {
            last.tags[k] = 0;
            present = true;
          }
        }
        if (!present) continue; // not in the last level ⇒ not above it either
        for (let l = 0; l < nl - 1; l++) {
          const lv = levels[l] as Level;
          const m = this.cohShift > lv.shift ? 1 << (this.cohShift - lv.shift) : 1;
          const f = (cl << this.cohShift) >>> lv.shift;
          for (let i = 0; i < m; i++) {
            const k = lv.find(c, f + i);
            if (k >= 0) lv.tags[k] = 0;
          }
        }
      }
    }
  }

  /** Installs the line (and the rest of its sector) at this level; returns the line's slot. */
  private fill(lv: Level, cpu: number, addr: number): number {
    const line = addr >>> lv.shift;
    if (lv.sectorLines === 1) return this.install(lv, cpu, line);
    const first = line - (line % lv.sectorLines);
    let slot = -1;
    for (let k = 0; k < lv.sectorLines; k++) {
      const ln = first + k;
      if (ln === line) {
        slot = this.install(lv, cpu, ln);
        continue;
      }
      // The sector's other line comes along unless another CPU holds it modified; this CPU now holds a copy.
      const scl = (ln << lv.shift) >>> this.cohShift;
      this.ensure(scl);
      const w = this.line[2 * scl + 1] - 1;
      if (w >= 0 && w !== cpu) continue;
      if (lv.find(cpu, ln) >= 0) continue;
      this.line[2 * scl] |= 1 << (cpu & 31);
      this.install(lv, cpu, ln);
    }
    return slot;
  }

  /** Puts a line in a slot a probe chose. */
  private place(lv: Level, cpu: number, slot: number, line: number): number {
    const old = lv.tags[slot];
    if (old !== 0 && lv === this.last) this.evict(cpu, old - 1);
    lv.tags[slot] = line + 1;
    lv.stamps[slot] = ++this.clock;
    return slot;
  }

  /** Puts one line in its set: the line's own way if present, else an empty way, else the least recent. */
  private install(lv: Level, cpu: number, line: number): number {
    const base = (cpu * lv.sets + (line & lv.setMask)) * lv.ways;
    const tag = line + 1;
    let victim = base;
    let oldest = Number.POSITIVE_INFINITY;
    const end = base + lv.ways;
    for (let k = base; k < end; k++) {
      const t = lv.tags[k];
      if (t === tag) {
        victim = k;
        oldest = -2;
        break;
      }
      const age = t === 0 ? -1 : lv.stamps[k];
      if (age < oldest) {
        oldest = age;
        victim = k;
      }
    }
    const old = lv.tags[victim];
    if (old !== 0 && old !== tag && lv === this.last) this.evict(cpu, old - 1);
    lv.tags[victim] = tag;
    lv.stamps[victim] = ++this.clock;
    return victim;
  }

  /**
   * A line leaves this CPU's last level: its copies above go too (inclusion), the CPU no longer holds it, and a
   * modified line is written back (the next miss elsewhere is served by memory).
   */
  private evict(cpu: number, line: number): void {
    const cl = (line << this.last.shift) >>> this.cohShift;
    this.line[2 * cl] &= ~(1 << (cpu & 31));
    if (this.line[2 * cl + 1] === cpu + 1) this.line[2 * cl + 1] = 0;
    const addr = line << this.last.shift;
    const levels = this.levels;
    for (let l = 0; l < levels.length - 1; l++) {
      const lv = levels[l] as Level;
      const n = this.last.shift > lv.shift ? 1 << (this.last.shift - lv.shift) : 1;
      const first = addr >>> lv.shift;
      for (let i = 0; i < n; i++) {
        const k = lv.find(cpu, first + i);
        if (k >= 0) lv.tags[k] = 0;
      }
    }
  }

  /** Forgets every cached line (caches cold), keeping home placements. */
  flushAll(): void {
    for (const lv of this.levels) lv.tags.fill(0);
    this.lastLine.fill(-1);
    this.line.fill(0);
  }
}
