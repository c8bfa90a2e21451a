// The fast path of CacheModel for the commonest geometry: two levels with one line size and no sectors (every P6
// machine: PIII, NUMA-Q). Same LRU caches, same coherence, same answers as CacheModel (a property test replays
// random sequences on both); a different representation of the LRU order: each set keeps its ways' tags in order
// of recency (most recent first, empty ways at the tail) instead of a stamp per way. A hit moves its tag to the
// front, a fill shifts the set down by one (dropping the tail: an empty way if there is one, else the least recent
// line), a line leaving the set closes the gap. Choosing a victim is then a read of the tail, not a scan for the
// oldest stamp (a data-dependent branch per way, mispredicted on most misses), and the line a CPU touched last is
// the first way of its set. Where the stamp model picks the first empty way among several, this one picks another
// empty way: the set holds the same lines in the same order of recency, so every later answer is the same.
// The coherence state of a line (the CPUs holding it, the one that modified it) is packed into one element of the
// smallest typed array that holds both (a byte per line on a dual PIII), so that the state of the lines a run
// touches stays in the host's caches: a miss reads the state of its line and of the line it evicts.
import { CacheModel } from './cache.js';
import type { CacheModelOptions } from './cache-level.js';
import type { ArchProfile } from './schema.js';

/** True if a cache section is two levels of one line size without sectors (TwoLevelCacheModel applies). */
export function isPlainTwoLevel(o: CacheModelOptions): boolean {
  const c = o.cache;
  const same = (s?: number) => s === undefined || s === c.l1d.lineBytes;
  const plain = !c.l3 && c.l2.lineBytes === c.l1d.lineBytes && same(c.l1d.sectorBytes) && same(c.l2.sectorBytes);
  return plain && stateBits(o.cpus) > 0;
}

/** Bits of one line's packed state for `cpus` CPUs (a holder bit each, then modifier + 1): 8, 16, 32, or 0. */
function stateBits(cpus: number): number {
  const need = cpus + (32 - Math.clz32(cpus + 1));
  return need <= 8 ? 8 : need <= 16 ? 16 : need <= 32 ? 32 : 0;
}

/** Per coherence line: holder bits (bit c: CPU c may hold it), then from bit `cpus` the modifying CPU + 1. */
type LineState = Uint8Array | Uint16Array | Int32Array;

function newState(bits: number, n: number): LineState {
  return bits === 8 ? new Uint8Array(n) : bits === 16 ? new Uint16Array(n) : new Int32Array(n);
}

/** Moves the tag at slot k to the front of its set [base, k]. */
function toFront(tags: Int32Array, base: number, k: number, tag: number): void {
  for (let j = k; j > base; j--) tags[j] = tags[j - 1];
  tags[base] = tag;
}

/** Puts a new tag at the front of the set [base, end), dropping the tail. */
function pushFront(tags: Int32Array, base: number, end: number, tag: number): void {
  for (let j = end - 1; j > base; j--) tags[j] = tags[j - 1];
  tags[base] = tag;
}

/** Removes `tag` from the set [base, end) if present (the ways after it move up); true if it was there. */
function removeTag(tags: Int32Array, base: number, end: number, tag: number): boolean {
  for (let k = base; k < end; k++) {
    const t = tags[k];
    if (t === 0) return false;
    if (t !== tag) continue;
    for (let j = k; j < end - 1; j++) tags[j] = tags[j + 1];
    tags[end - 1] = 0;
    return true;
  }
  return false;
}

/** Slot of `tag` in the set [base, end), or −1 (the scan stops at the first empty way: empties are the tail). */
function findTag(tags: Int32Array, base: number, end: number, tag: number): number {
  for (let k = base; k < end; k++) {
    const t = tags[k];
    if (t === tag) return k;
    if (t === 0) return -1;
  }
  return -1;
}

/** CacheModel for two levels of one line size, no sectors: sets kept in order of recency (same answers, faster). */
export class TwoLevelCacheModel extends CacheModel {
  private st: LineState;
  private readonly bits: number;
  /** The holder bits of a packed state; the modifier + 1 sits above them (`>>> modShift`). */
  private readonly holderMask: number;
  private readonly modShift: number;

  constructor(o: CacheModelOptions) {
    super(o);
    if (!isPlainTwoLevel(o)) {
      throw new Error('TwoLevelCacheModel: needs two levels of one line size, no sectors, at most 27 CPUs');
    }
    this.bits = stateBits(o.cpus);
    this.st = newState(this.bits, 1 << 12);
    this.modShift = o.cpus;
    this.holderMask = (1 << o.cpus) - 1;
  }

  private grow(cl: number): void {
    const a = newState(this.bits, Math.max(cl + 1, this.st.length * 2));
    a.set(this.st);
    this.st = a;
  }

  /** Forgets every cached line (caches cold), keeping home placements. */
  override flushAll(): void {
    super.flushAll();
    this.st.fill(0);
  }

  /** CacheModel.access for one line size: an L1 hit that needs no bus transaction moves the line to the front. */
  override access(cpu: number, addr: number, write: boolean): number {
    this.accesses++;
    const cl = addr >>> this.cohShift;
    if (cl >= this.st.length) this.grow(cl);
    const l1 = this.l1;
    const base = (cpu * l1.sets + (cl & l1.setMask)) * l1.ways;
    const s = findTag(l1.tags, base, base + l1.ways, cl + 1);
    const bit = 1 << cpu;
    if (s >= 0 && (!write || (this.st[cl] & this.holderMask) === bit)) {
      if (s !== base) toFront(l1.tags, base, s, cl + 1);
      l1.hits++;
      if (write) this.st[cl] = bit | ((cpu + 1) << this.modShift);
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
    const base1 = (cpu * l1.sets + (cl & l1.setMask)) * l1.ways;
    const base2 = (cpu * l2.sets + (cl & l2.setMask)) * l2.ways;
    const end2 = base2 + l2.ways;
    const hit2 = slot0 < 0 ? findTag(l2.tags, base2, end2, tag) : -1;
    const bit = 1 << cpu;
    const state = this.st;
    const mask = this.holderMask;
    const ms = this.modShift;
    const x = state[cl];
    const holders = x & mask;
    const mod = x >>> ms; // modifying CPU + 1 (0: clean)
    const others = holders & ~bit;
    let cycles: number;
    if (slot0 >= 0 || hit2 >= 0) {
      if (slot0 >= 0) toFront(l1.tags, base1, slot0, tag);
      else toFront(l2.tags, base2, hit2, tag);
      const lv = slot0 >= 0 ? l1 : l2;
      lv.hits++;
      cycles = lv.hitCycles;
      if (write && others !== 0) {
        cycles += this.upgradeCycles;
        this.upgrades++;
      }
    } else cycles = this.fetchFrom(cpu, addr, mod - 1);
    if (write) {
      if (others !== 0) this.invalidate2(cl, others, cpu);
      state[cl] = bit | ((cpu + 1) << ms);
    } else state[cl] = holders | bit | (mod === cpu + 1 ? mod << ms : 0);
    if (slot0 < 0) {
      if (hit2 < 0) {
        // Into L2, dropping its tail; a line pushed out leaves this CPU's L1 too (inclusion): the L1 set is the
        // same one (fewer L1 sets, both powers of two).
        const old = l2.tags[end2 - 1];
        if (old !== 0) {
          // This CPU no longer holds it; if it had modified it, it is written back (clean).
          const y = state[old - 1];
          const m = y >>> ms;
          state[old - 1] = (y & mask & ~bit) | (m === cpu + 1 ? 0 : m << ms);
          removeTag(l1.tags, base1, base1 + l1.ways, old);
        }
        pushFront(l2.tags, base2, end2, tag);
      }
      // Into L1 (the line is not there): an empty way if any, else the least recent goes.
      pushFront(l1.tags, base1, base1 + l1.ways, tag);
    }
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
        if (!removeTag(l2.tags, b2, b2 + l2.ways, tag)) continue; // not in L2 ⇒ not in L1 either
        const b1 = (c * l1.sets + (cl & l1.setMask)) * l1.ways;
        removeTag(l1.tags, b1, b1 + l1.ways, tag);
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
