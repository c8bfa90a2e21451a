// The crashed kernel's memory as data: PT_LOAD ranges, page classes as runs in pfn order (typed arrays, 5 bytes
// per run, never an object per page), the kernel image and the mem_map. Deterministic from the seed.
import { Rng } from '@kmemsim/core';
import { CLASS_CODE, type ClassCounts, emptyCounts, PAGE_CLASSES, type PageClass } from './classes.js';
import { type ArchLike, layoutFor, memMapPages, type PfnRange } from './layout.js';
import { IMAGE } from './params.js';
import { type Composition, type ProfileName, resolveComposition } from './profiles.js';

/** Options of {@link buildImage}: how much RAM, which arch, what the pages hold and how fragmented. */
export interface BuildImageOptions {
  /** RAM of the crashed machine, bytes (laid out in PT_LOADs with the arch's holes). */
  memBytes: number;
  /** The arch's page size, struct page size and name. */
  arch: ArchLike;
  /** A named profile (profiles.ts); default idle-guest unless `fractions` is given. */
  profile?: ProfileName;
  /** Explicit fraction of RAM per class (normalised). */
  fractions?: Partial<ClassCounts>;
  /** Fragmentation: mean run length in pages, for every class or per class. */
  meanRunPages?: number | Partial<ClassCounts>;
  /** Seed of the run lengths and their order (default 1): same seed, same image. */
  seed?: number;
  /** Representation budget; fragmentation is coarsened (and says so) beyond it. */
  maxRuns?: number;
  /** sizeof(struct page) of the crashed kernel's era, if not the arch profile's (e.g. 56 for 2.6-era x86_64). */
  structPageBytes?: number;
  /** A PT_LOAD of this many bytes after RAM (an experiment's setup; default none). */
  extraLoadBytes?: number;
  /**
   * How the kernel describes its mem_map (x86_64 images): flat (SYMBOL(mem_map), one array from pfn 0) or sparse
   * (SPARSEMEM_EXTREME: mem_section roots, 128 MiB sections, a mem_map only where RAM is). Default flat.
   */
  memoryModel?: 'flat' | 'sparse';
  /** Largest kernel image, bytes (default IMAGE.kernelImageBytes; a [U] value the sensitivity sweep moves). */
  kernelImageBytes?: number;
  /** Smallest kernel data block, pages (default IMAGE.minKernelImagePages; [U] as well). */
  minKernelImagePages?: number;
}

/** The flat mem_map of an image: where the struct page array lies and how big it is. */
export interface MemMap {
  /** First physical pfn of the struct page array (struct page of pfn 0 first). */
  startPfn: number;
  /** Physical pages it occupies (kernel class), rounded up to its alignment. */
  pages: number;
  /** sizeof(struct page), bytes. */
  structPageBytes: number;
  /** Struct pages in it: one per pfn below maxPfn, holes included (flat model). */
  structs: number;
}

/**
 * A crashed kernel's memory as data (built by {@link buildImage}): PT_LOAD ranges and holes, the kernel image, the
 * mem_map, and every pfn's page class as runs in typed arrays.
 */
export interface VmcoreImage {
  /** Arch name (x86_64, s390x, …). */
  arch: string;
  /** Page size, bytes. */
  pageBytes: number;
  /** RAM asked for, bytes. */
  memBytes: number;
  /** Seed the runs were drawn with. */
  seed: number;
  /** The composition's name (a profile, or `custom` for explicit fractions). */
  profile: string;
  /** Fraction of pages per class, as drawn (sums to 1). */
  fractions: ClassCounts;
  /** Mean run lengths in effect (after any coarsening). */
  meanRunPages: ClassCounts;
  /** ≥ 1: how much fragmentation was coarsened to fit maxRuns (1 = as asked). */
  coarsening: number;
  /** The PT_LOAD ranges, ascending. */
  loads: PfnRange[];
  /** The holes between them (no file data, not dumped). */
  holes: PfnRange[];
  /** One past the highest pfn of any PT_LOAD. */
  maxPfn: number;
  /** Pages of all PT_LOADs. */
  totalPages: number;
  /** The kernel's text and data (kernel class, never excluded). */
  kernelImage: PfnRange;
  /** Kernel data block (page tables, init_uts_ns, the mem_map pointer): the kernel image's first pages. */
  kernelDataPfn: number;
  /** The struct page array. */
  memMap: MemMap;
  /** Runs in the image (`runPages` and `runClass` hold this many). */
  runCount: number;
  /** Pages of run i, in pfn order over the PT_LOADs. */
  runPages: Uint32Array;
  /** Class code of run i (classes.ts CLASS_CODE). */
  runClass: Uint8Array;
  /** Start pfn of run i × INDEX_STRIDE (for random access). */
  runIndex: Float64Array;
  /** The free runs alone (start pfn, pages), ascending: the mem_map walk visits only these with bit 16. */
  freeRunStart: Float64Array;
  /** Pages of each free run (with `freeRunStart`). */
  freeRunPages: Float64Array;
  /** Pages per class, exactly. */
  counts: ClassCounts;
  /** FLATMEM (one mem_map) or SPARSEMEM (mem_section roots, a mem_map per present section). */
  memoryModel: 'flat' | 'sparse';
}

/** Runs between two entries of `runIndex` (random access cost: at most this many runs scanned). */
export const INDEX_STRIDE = 256;
const FREE = CLASS_CODE.free;
const MAX_RUN = 2 ** 31;

/**
 * Where the kernel image and the mem_map go: everything of an image the IMAGE values decide (two options giving
 * the same `kPfn`, `kPages` give the same image).
 */
export function kernelBlock(o: BuildImageOptions & { arch: ArchLike }) {
  const comp = resolveComposition(o);
  const lay = layoutFor(o.arch, o.memBytes, o.extraLoadBytes);
  const total = lay.loads.reduce((a, r) => a + r.pages, 0);
  const biggest = lay.loads.reduce((a, b) => (b.pages > a.pages ? b : a));
  const mmPages = memMapPages(o.arch, lay.maxPfn, lay.memMapAlignPages);
  const mmStart =
    Math.floor((biggest.startPfn + biggest.pages - mmPages) / lay.memMapAlignPages) * lay.memMapAlignPages;
  const minK = o.minKernelImagePages ?? IMAGE.minKernelImagePages;
  let kPfn = lay.kernelImagePfn;
  let kLoad = lay.loads.find((r) => kPfn >= r.startPfn && kPfn < r.startPfn + r.pages);
  if (!kLoad || (kLoad === biggest && kPfn + minK > mmStart)) {
    // Small memory: the kernel goes to the start of the main range instead of its usual address.
    kLoad = biggest;
    kPfn = biggest.startPfn;
  }
  if (mmStart < biggest.startPfn || kPfn + minK > mmStart) {
    throw new RangeError(`memory of ${o.memBytes} bytes is too small for a kernel image and a mem_map`);
  }
  const kEnd = kLoad === biggest ? mmStart : kLoad.startPfn + kLoad.pages;
  // The kernel image takes what the kernel fraction leaves after the mem_map, up to a distro kernel's size.
  const wantK = Math.min(
    Math.floor((o.kernelImageBytes ?? IMAGE.kernelImageBytes) / o.arch.pageBytes),
    Math.floor(comp.fractions.kernel * total) - mmPages,
  );
  const kPages = Math.min(kEnd - kPfn, Math.max(minK, wantK));
  if (kPages < minK) throw new RangeError(`no room for a kernel image below the mem_map`);
  return { comp, lay, total, mmPages, mmStart, kPfn, kPages };
}

/** Builds an image: fixed kernel image and mem_map, the rest filled with runs drawn to the composition exactly. */
export function buildImage(o0: BuildImageOptions): VmcoreImage {
  const sp = o0.structPageBytes ?? o0.arch.structPageBytes;
  if (!Number.isInteger(sp) || sp < 8 || sp > 256) throw new RangeError(`struct page of ${sp} bytes (expected 8..256)`);
  const o = { ...o0, arch: { ...o0.arch, structPageBytes: sp } };
  const { comp, lay, total, mmPages, mmStart, kPfn, kPages } = kernelBlock(o);
  const fixed: PfnRange[] = [
    { startPfn: kPfn, pages: kPages },
    { startPfn: mmStart, pages: mmPages },
  ].sort((a, b) => a.startPfn - b.startPfn);
  const budgets = splitBudgets(comp, total, kPages + mmPages);
  const mean = { ...comp.meanRunPages };
  let expected = 0;
  for (const c of PAGE_CLASSES) expected += budgets[CLASS_CODE[c]] / mean[c];
  const maxRuns = o.maxRuns ?? IMAGE.maxRuns;
  const coarsening = expected > maxRuns ? expected / maxRuns : 1;
  if (coarsening > 1) for (const c of PAGE_CLASSES) mean[c] *= coarsening;

  const seed = o.seed ?? 1;
  const g = new RunWriter(Math.ceil(Math.min(expected, maxRuns) * 1.1) + 64 + 4 * lay.loads.length);
  const filler = new Filler(
    g,
    new Rng(seed),
    budgets,
    PAGE_CLASSES.map((c) => mean[c]),
  );
  const fill = (from: number, to: number) => filler.fill(from, to);
  for (const load of lay.loads) {
    let at = load.startPfn;
    const end = load.startPfn + load.pages;
    for (const f of fixed) {
      if (f.startPfn < at || f.startPfn >= end) continue;
      fill(at, f.startPfn);
      g.push(f.startPfn, f.pages, CLASS_CODE.kernel);
      at = f.startPfn + f.pages;
    }
    fill(at, end);
  }
  const byCode = new Float64Array(PAGE_CLASSES.length);
  const { cls, pages } = g;
  for (let i = 0; i < g.count; i++) byCode[cls[i]] += pages[i];
  const counts = emptyCounts();
  for (const c of PAGE_CLASSES) counts[c] = byCode[CLASS_CODE[c]];
  return {
    arch: o.arch.name,
    pageBytes: o.arch.pageBytes,
    memBytes: o.memBytes,
    seed,
    profile: comp.profile,
    fractions: comp.fractions,
    meanRunPages: mean,
    coarsening,
    loads: lay.loads,
    holes: lay.holes,
    maxPfn: lay.maxPfn,
    totalPages: total,
    kernelImage: { startPfn: kPfn, pages: kPages },
    kernelDataPfn: kPfn,
    memMap: { startPfn: mmStart, pages: mmPages, structPageBytes: o.arch.structPageBytes, structs: lay.maxPfn },
    runCount: g.count,
    runPages: g.pages.subarray(0, g.count),
    runClass: g.cls.subarray(0, g.count),
    runIndex: g.index.subarray(0, Math.ceil(g.count / INDEX_STRIDE)),
    freeRunStart: g.freeStart.subarray(0, g.freeCount),
    freeRunPages: g.freePages.subarray(0, g.freeCount),
    counts,
    memoryModel: o.memoryModel ?? 'flat',
  };
}

/** Draws runs: class with probability ∝ its remaining runs (pages left / mean run), geometric run length. */
class Filler {
  private readonly left: Float64Array;
  private readonly inv: Float64Array;
  private readonly logq: Float64Array;

  // xorshift128 state seeded from the engine's Rng: an inline generator keeps the draw loop tight.
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;

  constructor(
    private readonly g: RunWriter,
    rng: Rng,
    budgets: number[],
    mean: number[],
  ) {
    this.s0 = rng.u32() | 1;
    this.s1 = rng.u32() | 0;
    this.s2 = rng.u32() | 0;
    this.s3 = rng.u32() | 0;
    this.left = Float64Array.from(budgets);
    this.inv = Float64Array.from(mean, (m) => 1 / m);
    this.logq = Float64Array.from(mean, (m) => (m > 1 ? Math.log(1 - 1 / m) : 0));
  }

  fill(from: number, to: number): void {
    const { left, inv, logq, g } = this;
    let { s0, s1, s2, s3 } = this;

    let wsum = 0;
    for (let k = 0; k < 6; k++) wsum += left[k] * inv[k];
    // RunWriter.push's common case inline (a new run of another class, not free, no index entry, room left); the
    // rest goes through push itself, so the arrays are the same.
    let { count, pages, cls, lastEnd } = g;
    let at = from;
    let last = -1;
    while (at < to) {
      // Runs are maximal: draw among the other classes unless only the last one has pages left.
      const wl = last >= 0 ? left[last] * inv[last] : 0;
      const skip = wsum - wl > 1e-9 ? last : -1;
      let t = s0 ^ (s0 << 11);
      s0 = s1;
      s1 = s2;
      s2 = s3;
      s3 = s3 ^ (s3 >>> 19) ^ (t ^ (t >>> 8));
      let x = ((s3 >>> 0) / 4294967296) * (skip >= 0 ? wsum - wl : wsum);
      let k = 0;
      while (k < 5 && (left[k] === 0 || k === skip || x >= left[k] * inv[k])) {
        if (k !== skip) x -= left[k] * inv[k];
        k++;
      }
      if (left[k] === 0 || k === skip) k = firstOther(left, skip); // float rounding at the end of the list
      t = s0 ^ (s0 << 11);
      s0 = s1;
      s1 = s2;
      s2 = s3;
      s3 = s3 ^ (s3 >>> 19) ^ (t ^ (t >>> 8));
      const u = (s3 >>> 0) / 4294967296;
      const len = logq[k] === 0 ? 1 : 1 + Math.floor(Math.log(1 - u) / logq[k]);
      let n = Math.min(len, left[k]);
      if (n > to - at) n = to - at;
      if (n > MAX_RUN) n = MAX_RUN;
      left[k] -= n;
      wsum -= n * inv[k];
      if (wsum < 0) wsum = 0;
      if (
        k === FREE ||
        count === pages.length ||
        count % INDEX_STRIDE === 0 ||
        n <= 0 ||
        (lastEnd === at && cls[count - 1] === k)
      ) {
        g.count = count;
        g.lastEnd = lastEnd;
        g.push(at, n, k);
        ({ count, pages, cls, lastEnd } = g);
      } else {
        pages[count] = n;
        cls[count] = k;
        count++;
        lastEnd = at + n;
      }
      last = k;
      at += n;
    }
    g.count = count;
    g.lastEnd = lastEnd;
    this.s0 = s0;
    this.s1 = s1;
    this.s2 = s2;
    this.s3 = s3;
  }
}

function firstOther(left: Float64Array, skip: number): number {
  for (let k = 5; k >= 0; k--) if (left[k] > 0 && k !== skip) return k;
  return skip;
}

/** Pages per class code for the random fill: the composition less the fixed kernel pages, summing exactly. */
function splitBudgets(comp: Composition, total: number, fixedKernel: number): number[] {
  const rest = total - fixedKernel;
  const want = PAGE_CLASSES.map((c) => comp.fractions[c] * total);
  want[CLASS_CODE.kernel] = Math.max(0, want[CLASS_CODE.kernel] - fixedKernel);
  const sum = want.reduce((a, b) => a + b, 0);
  const exact = want.map((w) => (sum > 0 ? (w * rest) / sum : 0));
  const out = exact.map(Math.floor);
  let short = rest - out.reduce((a, b) => a + b, 0);
  const order = exact.map((e, k) => [e - Math.floor(e), k]).sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  for (let i = 0; short > 0; i = (i + 1) % 6, short--) out[order[i][1]]++;
  return out;
}

class RunWriter {
  count = 0;
  pages: Uint32Array;
  cls: Uint8Array;
  index: Float64Array;
  freeCount = 0;
  freeStart = new Float64Array(1024);
  freePages = new Float64Array(1024);
  lastEnd = -1;

  constructor(cap: number) {
    this.pages = new Uint32Array(cap);
    this.cls = new Uint8Array(cap);
    this.index = new Float64Array(Math.ceil(cap / INDEX_STRIDE) + 1);
  }

  push(start: number, n: number, k: number): void {
    if (n <= 0) return;
    const i = this.count - 1;
    if (k === FREE) this.pushFree(start, n);
    if (i >= 0 && this.lastEnd === start && this.cls[i] === k && this.pages[i] + n < 2 ** 32) {
      this.pages[i] += n;
    } else {
      if (this.count === this.pages.length) this.grow();
      if (this.count % INDEX_STRIDE === 0) this.index[this.count / INDEX_STRIDE] = start;
      this.pages[this.count] = n;
      this.cls[this.count] = k;
      this.count++;
    }
    this.lastEnd = start + n;
  }

  /** The free-run index: contiguous free pushes are one run, as in the run arrays. */
  private pushFree(start: number, n: number): void {
    const j = this.freeCount - 1;
    if (j >= 0 && this.freeStart[j] + this.freePages[j] === start && this.freePages[j] + n < 2 ** 32) {
      this.freePages[j] += n;
      return;
    }
    if (this.freeCount === this.freeStart.length) {
      const a = new Float64Array(this.freeCount * 2);
      a.set(this.freeStart);
      this.freeStart = a;
      const b = new Float64Array(this.freeCount * 2);
      b.set(this.freePages);
      this.freePages = b;
    }
    this.freeStart[this.freeCount] = start;
    this.freePages[this.freeCount] = n;
    this.freeCount++;
  }

  private grow(): void {
    const cap = this.pages.length * 2;
    const p = new Uint32Array(cap);
    p.set(this.pages);
    this.pages = p;
    const c = new Uint8Array(cap);
    c.set(this.cls);
    this.cls = c;
    const x = new Float64Array(Math.ceil(cap / INDEX_STRIDE) + 1);
    x.set(this.index);
    this.index = x;
  }
}

export type { PageClass };
