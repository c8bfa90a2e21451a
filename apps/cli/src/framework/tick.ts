// --tick: the engine's per-CPU timer tick (EngineOptions.tick, packages/core/src/timer-tick.ts) as a machine
// option, off by default (a run without it is byte for byte what it was). Facts: docs/sources-timer-tick.md.
import type { TickOptions, TickPhase } from '@kmemsim/core';
import { badValue } from './errors.js';
import { custom } from './options.js';

/**
 * Cycles of one tick's interrupt when --tick gives none: [U 2,000..20,000] (docs/sources-timer-tick.md §4: entry,
 * hrtimer_interrupt, update_process_times with scheduler_tick, exit; no per-tick measurement checked). 5,000
 * (≈ 2.2 µs at 2.3 GHz) is what the engine's measurements used.
 */
export const TICK_HANDLER_DEFAULT = 5000;
/** The handler range the doc gives, for --help and the [U] mark. */
export const TICK_HANDLER_RANGE = [2000, 20_000] as const;
/** CONFIG_HZ bounds: as the arch profile's hz (readprofile's tick rate), 1..100,000. */
export const TICK_MAX_HZ = 100_000;
/** Handler cycles a value may name before the period check (which needs the arch's clock). */
const MAX_HANDLER = 1_000_000_000;

const PHASES = ['aligned', 'stagger', 'era'] as const;
/** Where each CPU ticks: as given, or `era` (the vmap design's kernel: VmapDesign.tickPhase). */
export type TickPhaseChoice = (typeof PHASES)[number];

/** A --tick value that is not off. `phase` undefined: the command's default (era where it has one, else aligned). */
export interface TickChoice {
  hz: number;
  handlerCycles: number;
  phase: TickPhaseChoice | undefined;
}

export const TICK_EXPECTED = 'off or HZ[:HANDLER_CYCLES][:aligned|stagger|era], e.g. 250, 1000:5000:stagger';

/** A whole number in [min, max] from one field of the value, or a UsageError naming the field and the value. */
function field(v: unknown, text: string | number, name: string, min: number, max: number, where: string): number {
  const n = typeof text === 'number' ? text : /^\d+$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max)
    throw badValue(where, v, `${name} an integer from ${min} to ${max} (${TICK_EXPECTED})`);
  return n;
}

/** Parses `off`, `HZ`, `HZ:HANDLER`, `HZ:PHASE` or `HZ:HANDLER:PHASE` (a bare number in a sweep file is HZ). */
export function parseTick(v: unknown, where: string): TickChoice | null {
  if (typeof v === 'number')
    return { hz: field(v, v, 'HZ', 1, TICK_MAX_HZ, where), handlerCycles: TICK_HANDLER_DEFAULT, phase: undefined };
  if (typeof v !== 'string') throw badValue(where, v, TICK_EXPECTED);
  const s = v.trim();
  if (s === 'off') return null;
  const parts = s.split(':');
  if (parts.length > 3 || parts.some((p) => p === '') || !/^\d/.test(s)) throw badValue(where, v, TICK_EXPECTED);
  const last = parts.at(-1) as string;
  const named = parts.length > 1 && /^[a-z]/i.test(last);
  if (named && !(PHASES as readonly string[]).includes(last))
    throw badValue(where, v, `aligned, stagger or era as the phase (${TICK_EXPECTED})`);
  if (parts.length === 3 && !named) throw badValue(where, v, `a phase as the third field (${TICK_EXPECTED})`);
  const hz = field(v, parts[0], 'HZ', 1, TICK_MAX_HZ, where);
  const numbers = named ? parts.length - 1 : parts.length;
  const handlerCycles =
    numbers > 1 ? field(v, parts[1], 'HANDLER_CYCLES', 0, MAX_HANDLER, where) : TICK_HANDLER_DEFAULT;
  return { hz, handlerCycles, phase: named ? (last as TickPhaseChoice) : undefined };
}

/** A --tick value as written on the command line (provenance, sweep keys). */
export function showTick(t: TickChoice | null): string {
  return t === null ? 'off' : [t.hz, t.handlerCycles, ...(t.phase ? [t.phase] : [])].join(':');
}

/** The --tick option of machineOptions: no default, so a run without it records nothing. */
export const tickOption = {
  ...custom({
    description:
      `per-CPU timer tick: CONFIG_HZ, the cycles each tick's interrupt costs a busy CPU (default ${TICK_HANDLER_DEFAULT}, ` +
      `[U ${TICK_HANDLER_RANGE[0]}..${TICK_HANDLER_RANGE[1]}]: docs/sources-timer-tick.md §4), and where each CPU ticks ` +
      'in the period: aligned (2.6.36+, skew_tick=0), stagger (CPU c late by (period/2)/cpus × c: 2.6.21–2.6.35, or ' +
      "skew_tick=1) or era (the vmap design's kernel: the default where a command runs vmap designs, else aligned)",
    expected: TICK_EXPECTED,
    defaultText: 'off',
    parse: parseTick,
  }),
  placeholder: '<off|HZ[:CYCLES][:PHASE]>',
  show: showTick,
};

/**
 * Checks a --tick value against the machine: the handler shorter than the period (the engine refuses otherwise),
 * and `era` only where the command has one (a vmap design).
 */
export function checkTick(t: TickChoice | null | undefined, clockHz: number, hasEra: boolean): void {
  if (!t) return;
  const period = clockHz / t.hz;
  if (!(t.handlerCycles < period))
    throw badValue(
      '--tick',
      showTick(t),
      `HANDLER_CYCLES below the period (${Math.floor(period)} cycles: ${clockHz} Hz clock / ${t.hz} HZ)`,
    );
  if (t.phase === 'era' && !hasEra)
    throw badValue(
      '--tick',
      showTick(t),
      'aligned or stagger as the phase here (era reads the vmap design: test-vmalloc, vmap-bench, xfs-dir)',
    );
}

/** The engine's tick for one machine: `era` is the phase of the design's kernel (aligned without a design). */
export function machineTick(t: TickChoice | null | undefined, era?: TickPhase): TickOptions | undefined {
  if (!t) return undefined;
  const phase = t.phase === undefined || t.phase === 'era' ? (era ?? 'aligned') : t.phase;
  return { hz: t.hz, handlerCycles: t.handlerCycles, phase };
}

/**
 * The result's params entry: nothing when off (outputs stay as they were), else the tick as run; `phases` gives
 * each design's phase where it came from the era.
 */
export function tickParams(
  t: TickChoice | null | undefined,
  phases?: Record<string, TickPhase>,
): { tick?: Record<string, unknown> } {
  if (!t) return {};
  const byEra = (t.phase === undefined || t.phase === 'era') && phases !== undefined;
  return {
    tick: {
      hz: t.hz,
      handler_cycles: t.handlerCycles,
      handler_cycles_range: [...TICK_HANDLER_RANGE],
      phase: byEra ? 'era' : machineTick(t)?.phase,
      ...(byEra ? { phase_by_impl: phases } : {}),
      source: 'docs/sources-timer-tick.md',
    },
  };
}
