// The miss path of CacheModel for the commonest geometry: two levels with one line size and no sectors (every P6
// machine: PIII, NUMA-Q). It is CacheModel.slow with the level loops unrolled and the last-level eviction inlined:
// the same state changes in the same order (LRU stamps included), so every answer is the same; it only runs faster.
// One difference of representation: an empty way's stamp is 0 (every way this class empties gets stamp 0, and real
// stamps start at 1), so the LRU scan reads stamps alone; an empty way is still chosen before any occupied one.
import { CacheModel } from './cache.js';
import type { CacheModelOptions } from './cache-level.js';
import type { ArchProfile } from './schema.js';

/** True if a cache section is two levels of one line size without sectors (TwoLevelCacheModel applies). */
export function isPlainTwoLevel(o: CacheModelOptions): boolean {
  const c = o.cache;
  const same = (s?: number) => s === undefined || s === c.l1d.lineBytes;
  return !c.l3 && c.l2.lineBytes === c.l1d.lineBytes && same(c.l1d.sectorBytes) && same(c.l2.sectorBytes);
}

/** CacheModel with the miss path unrolled for two levels of one line size, no sectors (same answers, faster). */
export class TwoLevelCacheModel extends CacheModel {
  constructor(o: CacheModelOptions) {
    super(o);
    if (!isPlainTwoLevel(o)) throw new Error('TwoLevelCacheModel: needs two levels of one line size, no sectors');
  }

  /** Forgets every cached line (caches cold), keeping home placements; empty ways get stamp 0. */
  override flushAll(): void {
    super.flushAll();
    for (const lv of this.levels) lv.stamps.fill(0);
  }

  /**
   * CacheModel.access for one line size. A repeat of this CPU's last access (its line still in the slot it used)
   * leaves the LRU stamp alone: that slot already holds the newest stamp of this CPU's L1 (every L1 stamp is set
   * by an access, which records its slot), so a new stamp would change no order among the stamps.
   */
  override access(cpu: number, addr: number, write: boolean): number {
    this.accesses++;
    const cl = addr >>> this.cohShift;
    if (2 * cl + 1 >= this.line.length) this.ensure(cl);
    const l1 = this.l1;
    const tags = l1.tags;
    const tag = cl + 1;
    let s = this.lastSlot[cpu];
    if (this.lastLine[cpu] === cl && tags[s] === tag) {
      if (write && this.line[2 * cl] !== 1 << (cpu & 31)) return this.slow(cpu, addr, write, cl, s);
      l1.hits++;
      if (write) this.line[2 * cl + 1] = cpu + 1;
      return l1.hitCycles;
    }
    s = -1;
    const base = (cpu * l1.sets + (cl & l1.setMask)) * l1.ways;
    const end = base + l1.ways;
    for (let k = base; k < end; k++) {
      if (tags[k] === tag) {
        s = k;
        break;
      }
    }
    if (s >= 0 && (!write || this.line[2 * cl] === 1 << (cpu & 31))) {
      l1.stamps[s] = ++this.clock;
      l1.hits++;
      if (write) this.line[2 * cl + 1] = cpu + 1;
      this.lastLine[cpu] = cl;
      this.lastSlot[cpu] = s;
      return l1.hitCycles;
    }
    return this.slow(cpu, addr, write, cl, s);
  }

  /** An L1 miss (slot0 −1), or an L1 store hit that must first invalidate other copies. */
  protected override slow(cpu: number, addr: number, write: boolean, cl: number, slot0: number): number {
    const l1 = this.l1;
    const l2 = this.last;
    // One line size: the L1 line, the L2 line and the coherence line are the same number (cl).
    const tag = cl + 1;
    let hit2 = -1;
    let victim2 = -1;
    if (slot0 < 0) {
      const tags = l2.tags;
      const stamps = l2.stamps;
      const base = (cpu * l2.sets + (cl & l2.setMask)) * l2.ways;
      const end = base + l2.ways;
      let oldest = Number.POSITIVE_INFINITY;
      victim2 = base;
      for (let k = base; k < end; k++) {
        const t = tags[k];
        if (t === tag) {
          hit2 = k;
          break;
        }
        const age = stamps[k];
        if (age < oldest) {
          oldest = age;
          victim2 = k;
        }
      }
    }
    const bit = 1 << (cpu & 31);
    const state = this.line;
    const holders = state[2 * cl];
    const others = holders & ~bit;
    let cycles: number;
    if (slot0 >= 0 || hit2 >= 0) {
      const lv = slot0 >= 0 ? l1 : l2;
      lv.stamps[slot0 >= 0 ? slot0 : hit2] = ++this.clock;
      lv.hits++;
      cycles = lv.hitCycles;
      if (write && others !== 0) {
        cycles += this.upgradeCycles;
        this.upgrades++;
      }
    } else cycles = this.fetchCycles(cpu, addr, cl);
    if (write) {
      if (others !== 0) this.invalidate2(cl, others, cpu);
      state[2 * cl] = bit;
      state[2 * cl + 1] = cpu + 1;
    } else {
      if (state[2 * cl + 1] !== cpu + 1) state[2 * cl + 1] = 0;
      state[2 * cl] = holders | bit;
    }
    let slot = slot0;
    if (slot0 < 0) {
      if (hit2 < 0) {
        // Into the L2 slot the probe chose; a line it pushes out leaves this CPU's L1 too (inclusion).
        const old = l2.tags[victim2];
        if (old !== 0) {
          const ocl = old - 1;
          state[2 * ocl] &= ~bit;
          if (state[2 * ocl + 1] === cpu + 1) state[2 * ocl + 1] = 0;
          const b1 = (cpu * l1.sets + (ocl & l1.setMask)) * l1.ways;
          for (let k = b1; k < b1 + l1.ways; k++) {
            if (l1.tags[k] === old) {
              l1.tags[k] = 0;
              l1.stamps[k] = 0;
              break;
            }
          }
        }
        l2.tags[victim2] = tag;
        l2.stamps[victim2] = ++this.clock;
      }
      // Into L1: an empty way, else the least recent (the line is not there: L1 missed, evictions only remove).
      const tags = l1.tags;
      const stamps = l1.stamps;
      const base = (cpu * l1.sets + (cl & l1.setMask)) * l1.ways;
      const end = base + l1.ways;
      let oldest = Number.POSITIVE_INFINITY;
      slot = base;
      for (let k = base; k < end; k++) {
        const age = stamps[k];
        if (age < oldest) {
          oldest = age;
          slot = k;
        }
      }
      tags[slot] = tag;
      stamps[slot] = ++this.clock;
    }
    this.lastLine[cpu] = cl;
    this.lastSlot[cpu] = slot;
    return cycles;
  }

  /** CacheModel.invalidate for one line size: the line leaves L2 and (if it was there) L1 of every other holder. */
  private invalidate2(cl: number, mask: number, self: number): void {
    const l1 = this.l1;
    const l2 = this.last;
    const tag = cl + 1;
    for (let bits = mask; bits !== 0; bits &= bits - 1) {
      const b = 31 - Math.clz32(bits & -bits);
      for (let c = b; c < this.cpus; c += 32) {
        if (c === self) continue;
        const b2 = (c * l2.sets + (cl & l2.setMask)) * l2.ways;
        let present = false;
        for (let k = b2; k < b2 + l2.ways; k++) {
          if (l2.tags[k] === tag) {
            l2.tags[k] = 0;
            l2.stamps[k] = 0;
            present = true;
            break;
          }
        }
        if (!present) continue; // not in L2 ⇒ not in L1 either
        const b1 = (c * l1.sets + (cl & l1.setMask)) * l1.ways;
        for (let k = b1; k < b1 + l1.ways; k++) {
          if (l1.tags[k] === tag) {
            l1.tags[k] = 0;
            l1.stamps[k] = 0;
            break;
          }
        }
      }
    }
  }
}

/** The cache model of an arch profile (the two-level fast path where it applies), or null without cache geometry. */
export function createCacheModel(arch: ArchProfile, cpus: number): CacheModel | null {
  if (!arch.cache) return null;
  const o: CacheModelOptions = { cache: arch.cache, numa: arch.numa ?? null, cpus, pageBytes: arch.pageBytes };
  return isPlainTwoLevel(o) ? new TwoLevelCacheModel(o) : new CacheModel(o);
}
