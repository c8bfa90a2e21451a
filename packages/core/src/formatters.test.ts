import { describe, expect, it } from 'vitest';
import {
  formatPerfReport,
  formatPerfReportStdio,
  formatPerfStat,
  formatReadprofile,
  formatTime,
  profileRows,
} from './formatters.js';
import { Profiler } from './profiler.js';

function known(): Profiler {
  const p = new Profiler();
  p.add(p.sym('checkpoint_dump_page', 'sys', 65), 3_152_000_000);
  p.add(p.sym('kunmap_atomic', 'sys', 95), 1_660_000_000);
  p.add(p.sym('user_app', 'user', 0), 1_000_000_000);
  p.add(p.sym('io_schedule', 'idle', 0), 5_000_000_000);
  return p;
}

describe('formatters (exact on a known profile)', () => {
  const rows = profileRows(known(), { clockHz: 1e9, tickRateHz: 250 });
  it('profile rows: ticks at the rate, percent of busy cycles, load = ticks / size', () => {
    expect(rows).toEqual([
      { symbol: 'checkpoint_dump_page', cycles: 3_152_000_000, ticks: 788, percent: 54.23, load: 12.1231 },
      { symbol: 'kunmap_atomic', cycles: 1_660_000_000, ticks: 415, percent: 28.56, load: 4.3684 },
      { symbol: 'user_app', cycles: 1_000_000_000, ticks: 250, percent: 17.21, load: 0 },
    ]);
  });
  it('readprofile', () => {
    expect(formatReadprofile(rows.slice(0, 2), { ticks: 1203, load: 0.0123 })).toBe(
      [
        '   788 checkpoint_dump_page   12.1231',
        '   415 kunmap_atomic           4.3684',
        '  1203 total                   0.0123',
      ].join('\n'),
    );
  });
  it('perf report', () => {
    expect(formatPerfReport(rows, (s) => (s === 'user_app' ? 'user' : 'sys'))).toBe(
      ['  54.23%  [k] checkpoint_dump_page', '  28.56%  [k] kunmap_atomic', '  17.21%  [.] user_app'].join('\n'),
    );
  });
  it('perf stat', () => {
    expect(formatPerfStat([{ name: 'syscalls:sys_enter_read', value: 458917 }])).toBe(
      '           458,917      syscalls:sys_enter_read',
    );
  });
  it('time(1)', () => {
    expect(formatTime({ real_s: 23.373, user_s: 2.02, sys_s: 80.161 })).toBe(
      'real\t0m23.373s\nuser\t0m2.020s\nsys\t1m20.161s',
    );
  });

  it('readprofile shows no load for a symbol whose size is unknown, instead of 0.0000', () => {
    const rows = [
      { symbol: 'known', cycles: 1, ticks: 19, percent: 1, load: 0.0048 },
      { symbol: 'unknown', cycles: 1, ticks: 19, percent: 1, load: 0 },
      { symbol: 'idle_zero', cycles: 0, ticks: 0, percent: 0, load: 0 },
    ];
    expect(formatReadprofile(rows)).toBe(
      ['    19 known        0.0048', '    19 unknown           -', '     0 idle_zero    0.0000'].join('\n'),
    );
  });

  it("perf report --stdio: perf's header, Overhead / Command / Shared Object / Symbol, per command and symbol", () => {
    const stacks = [
      { stack: 'makedumpfile;read;memcpy_real', cycles: 600 },
      { stack: 'makedumpfile;readmem', cycles: 300, user: true as const },
      { stack: 'makedumpfile;mmap;memcpy_real', cycles: 50 },
      { stack: 'swapper;do_flush_tlb_all', cycles: 50 },
    ];
    expect(formatPerfReportStdio(stacks, { cpuSeconds: 2.5 })).toBe(
      [
        "# kmemsim: the model's CPU time as perf report would show it (samples at perf's default 4000 Hz)",
        '#',
        "# Samples: 10K of event 'cpu-clock'",
        '# Event count (approx.): 2500000000',
        '#',
        '# Overhead  Command       Shared Object      Symbol',
        '# ........  ............  .................  ....................',
        '#',
        '    65.00%  makedumpfile  [kernel.kallsyms]  [k] memcpy_real',
        '    30.00%  makedumpfile  makedumpfile       [.] readmem',
        '     5.00%  swapper       [kernel.kallsyms]  [k] do_flush_tlb_all',
      ].join('\n'),
    );
  });
});
