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

/**
 * readprofile(1): `%6d %-*s %8.4f` per symbol, most ticks first, and a total line. A symbol with ticks whose size
 * the model does not know has no load: `-` instead of a misleading 0.0000.
 */
export function formatReadprofile(rows: ProfileRow[], total?: { ticks: number; load: number }): string {
  const width = Math.max(...rows.map((r) => r.symbol.length), 5) + 1;
  const load = (r: ProfileRow) => (r.ticks > 0 && r.load === 0 ? '-' : r.load.toFixed(4));
  const lines = rows.map((r) => `${String(r.ticks).padStart(6)} ${r.symbol.padEnd(width)} ${load(r).padStart(8)}`);
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

/** How `perfReport` prints: perf report --stdio's header and Overhead / Command / Shared Object / Symbol columns. */
export interface PerfReportOptions {
  /** The CPU time the stacks add up to (time(1)'s user + sys of the run), for the header's counts. */
  cpuSeconds: number;
  /** perf record's sampling rate (its default -F 4000 for cpu-clock). */
  sampleHz?: number;
  /** Rows shown at most (perf shows every symbol; a terminal wants the top). */
  top?: number;
}

/**
 * `perf report --stdio --sort comm,dso,sym` of a run's CPU time, from its folded stacks: perf's header (samples
 * and event count at perf's default rate, derived from the model's CPU time, not sampled), then Overhead,
 * Command, Shared Object and Symbol columns. Kernel symbols are in `[kernel.kallsyms]`, user symbols in the
 * command's own binary.
 */
export function formatPerfReportStdio(
  stacks: readonly { stack: string; cycles: number; user?: true }[],
  o: PerfReportOptions,
): string {
  const total = stacks.reduce((n, s) => n + s.cycles, 0);
  const by = new Map<string, { comm: string; dso: string; sym: string; user: boolean; cycles: number }>();
  for (const s of stacks) {
    const frames = s.stack.split(';');
    const comm = frames[0];
    const sym = frames[frames.length - 1];
    const dso = s.user ? comm : '[kernel.kallsyms]';
    const key = `${comm}\0${dso}\0${sym}`;
    const e = by.get(key) ?? { comm, dso, sym, user: !!s.user, cycles: 0 };
    e.cycles += s.cycles;
    by.set(key, e);
  }
  const rows = [...by.values()].sort((a, b) => b.cycles - a.cycles || (a.sym < b.sym ? -1 : 1)).slice(0, o.top);
  const seconds = o.cpuSeconds;
  const hz = o.sampleHz ?? 4000;
  const samples = Math.round(seconds * hz);
  const short = samples >= 1000 ? `${Math.round(samples / 1000)}K` : String(samples);
  const cw = Math.max(7, ...rows.map((r) => r.comm.length));
  const dw = Math.max(13, ...rows.map((r) => r.dso.length));
  const head = [
    `# kmemsim: the model's CPU time as perf report would show it (samples at perf's default ${hz} Hz)`,
    '#',
    `# Samples: ${short} of event 'cpu-clock'`,
    `# Event count (approx.): ${Math.round(seconds * 1e9)}`,
    '#',
    `# Overhead  ${'Command'.padEnd(cw)}  ${'Shared Object'.padEnd(dw)}  Symbol`,
    `# ........  ${'.'.repeat(cw)}  ${'.'.repeat(dw)}  ${'.'.repeat(Math.max(6, ...rows.map((r) => r.sym.length + 4)))}`,
    '#',
  ];
  const lines = rows.map((r) => {
    const pct = total > 0 ? (100 * r.cycles) / total : 0;
    return `${pct.toFixed(2).padStart(9)}%  ${r.comm.padEnd(cw)}  ${r.dso.padEnd(dw)}  [${r.user ? '.' : 'k'}] ${r.sym}`;
  });
  return [...head, ...lines].join('\n');
}

/** perf stat: right-aligned counts with thousands separators, then the event name. */
export function formatPerfStat(events: { name: string; value: number }[]): string {
  return events.map((e) => `${e.value.toLocaleString('en-US').padStart(18)}      ${e.name}`).join('\n');
}

/** perf stat over a Counters set, optionally only the names with a prefix. */
export function perfStatOf(c: Counters, prefix = ''): string {
  return formatPerfStat(c.list().filter((x) => x.name.startsWith(prefix)));
}

/** bash's `time`: real/user/sys as 0m23.373s; a null (unmodelled) user time prints `unmodelled`, not 0. */
export function formatTime(t: { real_s: number; user_s: number | null; sys_s: number }): string {
  const f = (s: number) => `${Math.floor(s / 60)}m${(s - 60 * Math.floor(s / 60)).toFixed(3)}s`;
  return `real\t${f(t.real_s)}\nuser\t${t.user_s === null ? 'unmodelled' : f(t.user_s)}\nsys\t${f(t.sys_s)}`;
}
