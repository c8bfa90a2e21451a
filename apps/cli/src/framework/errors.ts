// Bad usage or input: one line on stderr, exit code 2 (DESIGN.md, "CLI contract").
/** Bad usage or input: printed as one line on stderr, exit code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** Writing the output failed (stdout closed or full, disk full): one line, exit code 1. */
export class OutputError extends Error {
  override name = 'OutputError';
}

/** A value as one short quoted token, whatever it is (cyclic objects and Proxies included). */
export function quote(given: unknown): string {
  let s: string;
  try {
    if (typeof given === 'string') s = given;
    else if (given === null || typeof given !== 'object') s = String(given);
    else if (Array.isArray(given)) s = `[list of ${given.length}]`;
    else s = '{object}';
  } catch {
    s = '(unreadable value)';
  }
  const clean = s.replace(/[\u0000-\u001f\u007f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
  return JSON.stringify(clean.length > 80 ? `${clean.slice(0, 77)}...` : clean);
}

/** "--flag: got "x", expected y" — the one shape every input error takes. */
export function badValue(flag: string, given: unknown, expected: string): UsageError {
  return new UsageError(`${flag}: got ${quote(given)}, expected ${expected}`);
}

/** The first line of whatever was thrown, never throwing itself (null, Proxies, throwing getters). */
export function describeThrown(err: unknown): { name: string; message: string } {
  try {
    if (err instanceof Error || (err !== null && typeof err === 'object')) {
      const e = err as { name?: unknown; message?: unknown };
      const name = typeof e.name === 'string' ? e.name : 'Error';
      const message = typeof e.message === 'string' ? e.message : quote(err);
      return { name, message: message.split('\n')[0] };
    }
    return { name: 'thrown value', message: quote(err) };
  } catch {
    return { name: 'thrown value', message: '(unreadable)' };
  }
}
