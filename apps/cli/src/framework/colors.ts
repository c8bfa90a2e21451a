// Colour for the terminal: on when stdout is a terminal (not TERM=dumb), off under NO_COLOR, forced by
// FORCE_COLOR (any value but 0) — https://no-color.org and the FORCE_COLOR convention, decided here once.
import { createColors } from 'picocolors';

export function colorEnabled(env: NodeJS.ProcessEnv = process.env, isTTY = !!process.stdout.isTTY): boolean {
  const force = env.FORCE_COLOR;
  if (force !== undefined && force !== '0' && force !== 'false') return true;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (force === '0' || force === 'false') return false;
  return isTTY && env.TERM !== 'dumb';
}

export type Colors = ReturnType<typeof createColors>;

export function colors(enabled = colorEnabled()): Colors {
  return createColors(enabled);
}

/** A verdict as the reader should see it: ok green, off (a check outside tolerance) yellow, OUT red. */
export function verdictColor(verdict: string, c: Colors = colors()): string {
  if (verdict === 'ok') return c.green(verdict);
  if (verdict === 'off') return c.bold(c.yellow(verdict));
  if (verdict === 'OUT' || verdict === 'NO VALUE') return c.bold(c.red(verdict));
  return verdict;
}
