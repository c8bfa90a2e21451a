// Does the verdict of an rmap-fork run — the ranking of the designs by their headline value — hold while each
// unsourced hardware value of the machine ("[U lo..hi]" in its cache and NUMA sections) moves to the ends of its
// range? Each such value is set to lo, then hi, and every design re-runs (docs/fidelity.md, "Unsourced guesses").
import { uncertainRange } from '@kmemsim/core';
import type { ArchProfile } from '@kmemsim/mmu';

export interface SensitivityEntry {
  param: string;
  nominal: number;
  lo: number;
  hi: number;
  /** Design labels from best (lowest headline value) to worst. */
  ranking_lo: string[];
  ranking_hi: string[];
  flips: boolean;
  /** Headline overhead of each design vs none at lo and at hi. */
  overhead_lo: Record<string, number>;
  overhead_hi: Record<string, number>;
}

const PATHS = [
  'cache.memoryCycles',
  'cache.transferCycles',
  'cache.upgradeCycles',
  'cache.atomicCycles',
  'cache.l2.hitCycles',
  'cache.l3.hitCycles',
  'numa.remoteMemoryCycles',
  'numa.remoteTransferCycles',
  'numa.remoteIpiCycles',
];

/** The machine's [U lo..hi] values that the rmap model reads, with their ranges. */
export function uncertainHardware(arch: ArchProfile): { path: string; nominal: number; lo: number; hi: number }[] {
  const out: { path: string; nominal: number; lo: number; hi: number }[] = [];
  for (const path of PATHS) {
    const src = arch.sources[path];
    const v = path.split('.').reduce<unknown>((o, k) => (o as Record<string, unknown> | undefined)?.[k], arch);
    const r = src ? uncertainRange(src) : null;
    if (r && typeof v === 'number') out.push({ path, nominal: v, lo: r.lo, hi: r.hi });
  }
  return out;
}

export function withValue(arch: ArchProfile, path: string, value: number): ArchProfile {
  const copy = structuredClone(arch) as unknown as Record<string, unknown>;
  const keys = path.split('.');
  let o = copy;
  for (const k of keys.slice(0, -1)) o = o[k] as Record<string, unknown>;
  o[keys[keys.length - 1] as string] = value;
  return copy as unknown as ArchProfile;
}

/** Labels ordered by value, best first (ties keep the given order). */
export function ranking(values: Record<string, number>): string[] {
  return Object.keys(values).sort((a, b) => (values[a] as number) - (values[b] as number));
}

/** Every design's headline value by label, and none's (the base of its overhead), on one machine. */
export interface Headlines {
  values: Record<string, number>;
  none: number;
}

/**
 * Each [U] value of `arch` set to lo, then hi, every design re-run there (`headlines`): does the ranking of
 * `nominal` (the designs' headline values on `arch` as given) hold? `overheadPct` as the run computes it.
 */
export function sensitivitySweep(
  arch: ArchProfile,
  nominal: Record<string, number>,
  headlines: (arch: ArchProfile) => Headlines,
  overheadPct: (value: number, baseline: number) => number,
  ctx: { progress(done: number, total: number, label: string): void },
): SensitivityEntry[] {
  const order = ranking(nominal).join();
  const values = uncertainHardware(arch);
  const out: SensitivityEntry[] = [];
  const pct = (h: Headlines) =>
    Object.fromEntries(Object.entries(h.values).map(([k, x]) => [k, overheadPct(x, h.none)]));
  for (const u of values) {
    ctx.progress(out.length, values.length, `sensitivity ${u.path}`);
    const lo = headlines(withValue(arch, u.path, u.lo));
    const hi = headlines(withValue(arch, u.path, u.hi));
    const rlo = ranking(lo.values);
    const rhi = ranking(hi.values);
    out.push({
      param: u.path,
      nominal: u.nominal,
      lo: u.lo,
      hi: u.hi,
      ranking_lo: rlo,
      ranking_hi: rhi,
      flips: rlo.join() !== order || rhi.join() !== order,
      overhead_lo: pct(lo),
      overhead_hi: pct(hi),
    });
  }
  return out;
}

/** One line per value whose range flips the ranking, or a line saying none does. */
export function sensitivityLines(entries: SensitivityEntry[]): string[] {
  if (entries.length === 0) return ['sensitivity: the machine has no [U lo..hi] cache or NUMA value'];
  const flips = entries.filter((e) => e.flips);
  if (flips.length === 0)
    return [
      `sensitivity: the ranking holds over the range of every [U] value (${entries.map((e) => e.param).join(', ')})`,
    ];
  return flips.map(
    (e) =>
      `sensitivity: the ranking flips within [U ${e.lo}..${e.hi}] of ${e.param} (${e.nominal}): ` +
      `${e.ranking_lo.join(' < ')} at ${e.lo}, ${e.ranking_hi.join(' < ')} at ${e.hi}`,
  );
}
