// Every command's --help teaches by example: an "Examples:" block with at least one kmemsim command line.
import { describe, expect, it } from 'vitest';
import { runCli } from './testing/run-cli.js';

function commandsOf(help: string): string[] {
  const block = help.split('Commands:')[1]?.split('\n\n')[0] ?? '';
  return block
    .split('\n')
    .map((l) => /^ {2}(\S+)/.exec(l)?.[1])
    .filter((c): c is string => !!c && c !== 'help');
}

describe('--help', () => {
  const top = runCli(['--help']).stdout;
  const commands = commandsOf(top);
  it('lists the commands DESIGN.md requires', () => {
    for (const c of ['arch', 'checkpoint', 'vmap-bench', 'rmap-fork', 'reproduce', 'sweep', 'merge', 'report'])
      expect(commands).toContain(c);
  });
  for (const c of [...commands.filter((c) => c !== 'arch'), 'arch list', 'arch show']) {
    it(`kmemsim ${c} --help shows an example`, () => {
      const r = runCli([...c.split(' '), '--help']);
      expect(r.code).toBe(0);
      const examples = r.stdout.split('Examples:')[1] ?? '';
      expect(examples, r.stdout).toMatch(/^\s+(\S+=\S+ )*kmemsim \S+/m);
    });
  }
});
