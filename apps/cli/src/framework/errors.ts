// Bad usage or input: one line on stderr, exit code 2 (DESIGN.md, "CLI contract").
export class UsageError extends Error {
  override name = 'UsageError';
}

/** "--flag: given "x", expected y" — the one shape every input error takes. */
export function badValue(flag: string, given: unknown, expected: string): UsageError {
  return new UsageError(`${flag}: got ${JSON.stringify(given)}, expected ${expected}`);
}
