// Limits on what one run may ask for, where memory or time follows a product of options (mapped PTEs, live vmap
// areas, loop counts). Each is documented in the option's --help and in apps/cli/README.md, and chosen to keep a run
// under 2 GiB of memory and a few minutes of wall time; the message names the options and what they multiply to.
import { UsageError } from './errors.js';

const n = (x: number) => x.toLocaleString('en-US');

export function limit(what: string, value: number, max: number, why: string): void {
  if (!(value <= max)) throw new UsageError(`${what} = ${n(value)}, more than the ${n(max)} ${why}`);
}
