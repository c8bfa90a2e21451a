// Text formatters that read like the real tools: readprofile, perf report, perf stat and bash's time.
import type { Counters } from './counters.js';
import type { Profiler, SymbolClass } from './profiler.js';

/** One row of a profile, as readprofile or perf report would print it. */
export interface ProfileRow {
  /** Kernel or user symbol name. */
  symbol: string;
  /** Cycles charged to the symbol, all CPUs together (rounded). */
  cycles: number;
  /** Profiling timer ticks at `tickRateHz`. */
  ticks: number;
  /** Percent of all non-idle cycles. */
  percent: number;
  /** readprofile's load: ticks / symbol size in bytes (0 if the size is unknown). */
  load: number;
}

/** How {@link profileRows} turns cycles into ticks and which rows it keeps. */
export interface ProfileRowOptions {
  /** CPU clock rate in Hz. */
  clockHz: number;
  /** readprofile's sampling rate (the kernel's HZ, or the profiling timer rate). */
  tickRateHz: number;
  /** Keep only the first `top` rows (most cycles first); default all. */
  top?: number;
  /** Include idle-class symbols (io-wait, sleeping). Default false, as readprofile/perf show CPU time. */
  includeIdle?: boolean;
}

/**
 * The profile rows of a profiler, most cycles first: ticks at `tickRateHz`, percent of non-idle cycles, and
 * readprofile's load (ticks per byte of the symbol).
 */
export function profileRows(p: Profiler, o: ProfileRowOptions): ProfileRow[] {
  const t = p.totals();
  const busy = t.user + t.sys;
  const rows = p
    .entries((e) => o.includeIdle === true || e.cls !== 'idle')
    .map((e) => {
      const ticks = Math.round((e.cycles / o.clockHz) * o.tickRateHz);
      const size = p.sizeOf(e.symbol);
      return {
        symbol: e.symbol,
        cycles: Math.round(e.cycles),
        ticks,
        percent: busy > 0 ? round((100 * e.cycles) / busy, 2) : 0,
        load: size > 0 ? round(ticks / size, 4) : 0,
      };
    });
  return o.top ? rows.slice(0, o.top) : rows;
}

function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

/** readprofile(1): `%6d %-*s %8.4f` per symbol, most ticks first, and a total line. */
export function formatReadprofile(rows: ProfileRow[], total?: { ticks: number; load: number }): string {
  const width = Math.max(...rows.map((r) => r.symbol.length), 5) + 1;
  const lines = rows.map(
    (r) => `${String(r.ticks).padStart(6)} ${r.symbol.padEnd(width)} ${r.load.toFixed(4).padStart(8)}`,
  );
  if (total)
    lines.push(`${String(total.ticks).padStart(6)} ${'total'.padEnd(width)} ${total.load.toFixed(4).padStart(8)}`);
  return lines.join('\n');
}

/** perf report --stdio: `  12.34%  [k] symbol` ([.] for user-space symbols). */
export function formatPerfReport(rows: ProfileRow[], classOf: (symbol: string) => SymbolClass): string {
  return rows
    .map((r) => `${r.percent.toFixed(2).padStart(7)}%  ${classOf(r.symbol) === 'user' ? '[.]' : '[k]'} ${r.symbol}`)
    .join('\n');
}

/** perf stat: right-aligned counts with thousands separators, then the event name. */
export function formatPerfStat(events: { name: string; value: number }[]): string {
  return events.map((e) => `${e.value.toLocaleString('en-US').padStart(18)}      ${e.name}`).join('\n');
}

/** perf stat over a Counters set, optionally only the names with a prefix. */
export function perfStatOf(c: Counters, prefix = ''): string {
  return formatPerfStat(c.list().filter((x) => x.name.startsWith(prefix)));
}

/** bash's `time`: real/user/sys as 0m23.373s. */
export function formatTime(t: { real_s: number; user_s: number; sys_s: number }): string {
  const f = (s: number) => `${Math.floor(s / 60)}m${(s - 60 * Math.floor(s / 60)).toFixed(3)}s`;
  return `real\t${f(t.real_s)}\nuser\t${f(t.user_s)}\nsys\t${f(t.sys_s)}`;
}
