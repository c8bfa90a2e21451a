// Does a vmcore-dump verdict — the order of its runs (access mode × dump level) by real time — hold while each
// unsourced value it depends on moves to the ends of its [U lo..hi] range (docs/fidelity.md, "Unsourced guesses")?
// The values are makedumpfile's and /proc/vmcore's costs (params.ts) and the arch's ranged costs and TLB values.
// Costs change no count, so each run's counts are simulated once; a run with no idle time is linear in each
// params.ts cost, so those need no re-run at all.
import { roundTo, type Sensitivity, type SensitivityEntry, uncertainRange, valueAt, withValueAt } from '@kmemsim/core';
import type { ArchProfile, Machine } from '@kmemsim/mmu';
import { chargedCounts, runVmcoreDump, type VmcoreDumpOptions } from './dump.js';
import { type BuildImageOptions, buildImage, kernelBlock } from './image.js';
import { type DumpCounts, simulateSpec, specOptionsOf } from './makedumpfile.js';
import { specFromImage } from './mdf/from-image.js';
import { IMAGE, KERNEL_COSTS, type KernelCosts, USER_COSTS, type UserCosts } from './params.js';

/** The runs whose order is the verdict, and how to build the machine each runs on. */
export interface DumpSensitivityConfig {
  /** Everything but the machine, the access mode and the dump level (the same for every run). */
  base: Omit<VmcoreDumpOptions, 'machine' | 'access' | 'dumpLevel' | 'costs' | 'counts'>;
  /** The runs, at least two. */
  runs: readonly Pick<VmcoreDumpOptions, 'access' | 'dumpLevel'>[];
  /** The capture machine's arch (its [U lo..hi] costs are moved too). */
  arch: ArchProfile;
  /** A fresh machine on `arch` (virt mode, CPUs and seed as the command's). */
  machine: (arch: ArchProfile) => Machine;
  /**
   * The options `base.image` was built with, when it is a modelled image: IMAGE's ranged values are then moved
   * too (image rebuilt, counts simulated again). A real vmcore (`spec`) has no such values.
   */
  imageOptions?: BuildImageOptions;
  /** The runs' times with every value as it is, when the caller has run them already (same options). */
  nominal?: readonly RunTime[];
}

type RunTime = { real_s: number; user_s: number | null; sys_s: number };

/** An entry: `parameter` is `user_costs.X`, `kernel_costs.X`, `image.X` or the arch's path (`arch.costs.X`). */
export type DumpSensitivityEntry = SensitivityEntry;

/** The verdict ("mmap -d 31 < read -d 31 < …", fastest first) and one entry per [U] value it depends on. */
export type DumpSensitivity = Sensitivity;

type Knob =
  | { kind: 'image'; key: 'kernelImageBytes' | 'minKernelImagePages'; value: number; lo: number; hi: number }
  | { kind: 'user'; key: keyof UserCosts; value: number; lo: number; hi: number }
  | { kind: 'kernel'; key: keyof KernelCosts; value: number; lo: number; hi: number }
  | { kind: 'arch'; key: string; value: number; lo: number; hi: number };

// Kernel costs read only with one output target, or only when /proc/vmcore is mapped (dump.ts, proc-vmcore.ts).
const DISK_ONLY = new Set(['writeFileCyclesPerByte', 'diskBytesPerSecond', 'diskLatencySeconds']);
const MMAP_ONLY = new Set(['mmapRegionCycles', 'munmapCallCycles', 'vmNormalPageCycles']);

/**
 * The [U lo..hi] values a dump's timing reads: params.ts costs (the kernel's as far as the runs' output target
 * and mappings read them) and the arch's `costs.*` and `tlb.*`.
 */
export function dumpKnobs(
  arch: ArchProfile,
  runs: { output: 'null' | 'disk'; mapped: boolean } = { output: 'null', mapped: true },
): Exclude<Knob, { kind: 'image' }>[] {
  const out: Exclude<Knob, { kind: 'image' }>[] = [];
  for (const [key, src] of Object.entries(USER_COSTS.sources)) {
    const r = uncertainRange(src);
    if (r) out.push({ kind: 'user', key: key as keyof UserCosts, value: USER_COSTS[key as keyof UserCosts], ...r });
  }
  for (const [key, src] of Object.entries(KERNEL_COSTS.sources)) {
    const r = uncertainRange(src);
    const value = KERNEL_COSTS[key as keyof KernelCosts];
    if (DISK_ONLY.has(key) && runs.output !== 'disk') continue;
    if (key === 'writeNullCycles' && runs.output !== 'null') continue;
    if (MMAP_ONLY.has(key) && !runs.mapped) continue;
    if (r) out.push({ kind: 'kernel', key: key as keyof KernelCosts, value, ...r });
  }
  for (const [key, src] of Object.entries(arch.sources)) {
    if (!key.startsWith('costs.') && !key.startsWith('tlb.')) continue;
    const r = uncertainRange(src);
    const value = valueAt(arch, key);
    if (r && typeof value === 'number') out.push({ kind: 'arch', key, value, ...r });
  }
  return out;
}

/** The verdict of `c`'s runs and whether it holds at both ends of every [U] range they depend on. */
export function dumpSensitivity(c: DumpSensitivityConfig): DumpSensitivity {
  if (c.runs.length < 2) throw new RangeError('a verdict needs at least two runs');
  const spec = c.base.spec ?? (c.base.image ? specFromImage(c.base.image, specOptionsOf(c.base)) : undefined);
  if (!spec) throw new RangeError('dumpSensitivity needs an image or a spec');
  const counts: DumpCounts[] = c.runs.map((r) => simulateSpec(spec, { ...c.base, ...r }));
  const label = (r: (typeof c.runs)[number]) => `${r.access} -d ${r.dumpLevel}`;
  const order = (real: number[]) =>
    c.runs
      .map((r, i) => ({ label: label(r), real: real[i] as number }))
      .sort((a, b) => a.real - b.real)
      .map((t) => t.label)
      .join(' < ');
  const timed = (k?: Knob, v?: number) => {
    const arch = k?.kind === 'arch' ? withValueAt(c.arch, k.key, v as number) : c.arch;
    const costs =
      k?.kind === 'user' ? { user: { [k.key]: v } } : k?.kind === 'kernel' ? { kernel: { [k.key]: v } } : {};
    return c.runs.map((r, i) => {
      const machine = c.machine(arch);
      const run = runVmcoreDump({ ...c.base, ...r, spec, machine, costs, counts: counts[i] }).run;
      return { time: run.time, hz: machine.clockHz };
    });
  };
  const hz = c.machine(c.arch).clockHz;
  const nominal = c.nominal ? c.nominal.map((time) => ({ time, hz })) : timed();
  // A run with no idle time is its own CPU charges only, so its time is linear in each params.ts cost it charges:
  // moving one moves the time by (Δ value × charges) cycles, with no re-run (dump.ts chargedCounts).
  // (makedumpfile's user time is modelled: user_s is never null here.)
  const busy = nominal.every((r) => Math.abs(r.time.real_s - (r.time.user_s ?? 0) - r.time.sys_s) <= 2e-6);
  const charged = counts.map((n) => chargedCounts(spec, n, c.base.output ?? 'null'));
  const verdictWith = (k: Knob, v: number): string => {
    if (k.kind === 'image') return imageVerdict(c, k.key, v, order, verdict);
    if (k.kind === 'arch' || !busy || DISK_ONLY.has(k.key)) return order(timed(k, v).map((r) => r.time.real_s));
    return order(
      nominal.map((r, i) => {
        const n = k.kind === 'user' ? charged[i]!.user[k.key] : charged[i]!.kernel[k.key];
        return roundTo(r.time.real_s + ((v - k.value) * n) / r.hz, 6);
      }),
    );
  };
  const verdict = order(nominal.map((r) => r.time.real_s));
  const output = c.base.output ?? 'null';
  const mapped = counts.some((n) => n.vmcore.mmap > 0);
  const knobs = [...(c.imageOptions ? imageKnobs() : []), ...dumpKnobs(c.arch, { output, mapped })];
  const entries = knobs.map((k) => {
    const verdict_lo = verdictWith(k, k.lo);
    const verdict_hi = verdictWith(k, k.hi);
    const parameter =
      k.kind === 'arch' ? `arch.${k.key}` : k.kind === 'image' ? `image.${k.key}` : `${k.kind}_costs.${k.key}`;
    // An end at which no image can be built (tiny memory) has no verdict to differ.
    const differs = (x: string) => x !== verdict && !x.startsWith(NO_IMAGE);
    const flips = differs(verdict_lo) || differs(verdict_hi);
    return { parameter, value: k.value, lo: k.lo, hi: k.hi, verdict_lo, verdict_hi, flips };
  });
  return { verdict, entries };
}

const NO_IMAGE = 'no image: ';

function imageKnobs(): Knob[] {
  const out: Knob[] = [];
  for (const key of ['kernelImageBytes', 'minKernelImagePages'] as const) {
    const r = uncertainRange(IMAGE.sources[key] ?? '');
    if (r) out.push({ kind: 'image', key, value: IMAGE[key], ...r });
  }
  return out;
}

/** The verdict on an image rebuilt with one IMAGE value moved (its counts simulated again; every run re-run). */
function imageVerdict(
  c: DumpSensitivityConfig,
  key: 'kernelImageBytes' | 'minKernelImagePages',
  v: number,
  order: (real: number[]) => string,
  verdict: string,
): string {
  const o = c.imageOptions as BuildImageOptions;
  const moved = { ...o, [key]: v };
  const block = (x: BuildImageOptions) => {
    const b = kernelBlock({ ...x, arch: { ...x.arch, structPageBytes: x.structPageBytes ?? x.arch.structPageBytes } });
    return `${b.kPfn}+${b.kPages}`;
  };
  let image: ReturnType<typeof buildImage>;
  try {
    // The same kernel block is the same image: the run's own verdict, no rebuild.
    if (block(moved) === block(o)) return verdict;
    image = buildImage(moved);
  } catch (err) {
    return `${NO_IMAGE}${(err as Error).message}`;
  }
  const spec = specFromImage(image, specOptionsOf(c.base));
  return order(
    c.runs.map((r) => runVmcoreDump({ ...c.base, ...r, image, spec, machine: c.machine(c.arch) }).run.time.real_s),
  );
}
