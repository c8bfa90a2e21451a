// The one progress display of the CLI (cli-progress), on stderr and only on a terminal: a bar with the count,
// rate, ETA and the current item, cut to the terminal's width, cleared when done. It never changes terminal
// state (no auto-wrap off, no hidden cursor), so a process killed mid-run leaves the terminal as it was.
import { SingleBar } from 'cli-progress';
import type { Io } from './io.js';

export interface Progress {
  /**
   * `done` of `total` finished; `label` is what runs now; `unit` what is counted (default: the bar's). Starts the
   * bar on first use; clears it when done.
   */
  update(done: number, total: number, label: string, unit?: string): void;
  /** Clears the bar (idempotent). */
  stop(): void;
}

export const NO_PROGRESS: Progress = { update: () => {}, stop: () => {} };

function eta(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '–';
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

/** A count as people read it: 12,345 → 12.3k, 208,600,000 → 208.6M (exact below 10,000). */
export function compactCount(n: number): string {
  if (n < 10_000) return String(Math.round(n));
  if (n < 1e6) return `${(n / 1e3).toFixed(1)}k`;
  if (n < 1e9) return `${(n / 1e6).toFixed(1)}M`;
  return `${(n / 1e9).toFixed(1)}G`;
}

function rate(perSecond: number): string {
  if (!Number.isFinite(perSecond) || perSecond <= 0) return '–';
  return perSecond >= 10
    ? `${compactCount(perSecond)}/s`
    : perSecond >= 1
      ? `${perSecond.toFixed(1)}/s`
      : `${(60 * perSecond).toFixed(1)}/min`;
}

/**
 * A progress bar for `unit` (runs, points, figures). The clock is the wall clock: this is the CLI's display,
 * never part of a result.
 */
export function createProgress(io: Io, unit = 'runs', stream: NodeJS.WriteStream = process.stderr): Progress {
  if (!io.stderrIsTTY) return NO_PROGRESS;
  let started = 0;
  let stopped = false;
  const bar = new SingleBar({
    stream,
    format: '{bar} {value}/{total} {unit} | {rate} | ETA {remaining} | {label}',
    barsize: 24,
    barCompleteChar: '█',
    barIncompleteChar: '░',
    // Auto-wrap stays on: cli-progress cuts the line to the terminal's width itself.
    linewrap: true,
    hideCursor: false,
    clearOnComplete: true,
    gracefulExit: false,
    fps: 8,
    // Loop counts run to hundreds of millions: 12.3M/208.6M, not 12345678/208600000.
    formatValue: (v, _o, type) => (type === 'value' || type === 'total' ? compactCount(v) : String(v)),
  });
  const payload = (done: number, total: number, label: string, what: string) => {
    const secs = (Date.now() - started) / 1000;
    const r = done > 0 && secs > 0 ? done / secs : 0;
    return { label, rate: rate(r), remaining: r > 0 ? eta((total - done) / r) : '–', unit: what };
  };
  const stop = () => {
    if (bar.isActive) bar.stop();
  };
  return {
    update(done, total, label, what = unit) {
      if (stopped) return;
      if (!started) started = Date.now();
      if (!bar.isActive) bar.start(total, done, payload(done, total, label, what));
      else {
        bar.setTotal(total);
        bar.update(done, payload(done, total, label, what));
      }
      if (done >= total) stop();
    },
    stop() {
      stopped = true;
      stop();
    },
  };
}
