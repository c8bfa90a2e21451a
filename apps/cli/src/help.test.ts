// Every command's --help teaches by example: an "Examples:" block with at least one kmemsim command line.
import { describe, expect, it } from 'vitest';
import { cli } from './testing/in-process.js';
import { runCli } from './testing/run-cli.js';

function commandsOf(help: string): string[] {
  const block = help.split('Commands:')[1]?.split('\n\n')[0] ?? '';
  return block
    .split('\n')
    .map((l) => /^ {2}(\S+)/.exec(l)?.[1])
    .filter((c): c is string => !!c && c !== 'help');
}

describe('--help', () => {
  it('the built binary lists the commands DESIGN.md requires', () => {
    const commands = commandsOf(runCli(['--help']).stdout);
    for (const c of ['arch', 'checkpoint', 'vmap-bench', 'rmap-fork', 'reproduce', 'sweep', 'merge', 'report'])
      expect(commands).toContain(c);
  });
  it('every command shows an example', async () => {
    const commands = commandsOf((await cli(['--help'])).out);
    for (const c of [...commands.filter((c) => c !== 'arch'), 'arch list', 'arch show']) {
      const r = await cli([...c.split(' '), '--help']);
      expect(r.code, c).toBe(0);
      const examples = r.out.split('Examples:')[1] ?? '';
      expect(examples, r.out).toMatch(/^\s+(\S+=\S+ )*kmemsim \S+/m);
    }
  });
});
