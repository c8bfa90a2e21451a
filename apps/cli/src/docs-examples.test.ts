// Every `kmemsim …` command line shown in the docs (root README, docs/*.md, package READMEs, examples) and in each
// command's --help "Examples" still parses: its command exists, every flag is one it has, every value is one it
// accepts (through the command's own schema, as the CLI parses it). Parsed only, never run: some examples simulate
// 16 TiB. Checks between options made inside run() (--threads ≤ --cpus) are the hardening tests' part.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command, CommanderError } from 'commander';
import { describe, expect, it } from 'vitest';
import { COMMANDS } from './commands/registry.js';
import { cliSchema } from './framework/cli-schema.js';
import { addDefinition, type RawInvocation } from './framework/commander.js';
import type { CommandDef } from './framework/define.js';
import { fromArgv } from './framework/normalise.js';
import { docExamples, docFiles, ROOT, shellWords, shownOutputs } from './testing/doc-examples.js';
import { cli } from './testing/in-process.js';

/** Parses one command line (without "kmemsim") the way the CLI does, without running it. */
async function parseOnly(argv: string[]): Promise<CommandDef> {
  let seen: { def: CommandDef; raw: RawInvocation } | undefined;
  const program = new Command('kmemsim').exitOverride().configureOutput({ outputError: () => {}, writeOut: () => {} });
  for (const def of COMMANDS)
    addDefinition(program, def, async (d, raw) => {
      seen = { def: d, raw };
    });
  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (err) {
    if (err instanceof CommanderError) throw new Error(err.message);
    throw err;
  }
  if (!seen) throw new Error(`"${argv.join(' ')}" names no command`);
  fromArgv(cliSchema(seen.def as never), seen.raw);
  return seen.def;
}

const examples = [
  ...docExamples(),
  ...COMMANDS.flatMap((c) => c.examples.map((line) => ({ where: `${c.name} --help`, line }))),
].flatMap(({ where, line }) =>
  // `a && b`, `a > f`, `a | b`: each kmemsim command of the line, up to its redirection.
  line
    .replace(/\s+#\s.*$/, '')
    .split(/&&|\|\|?|;/)
    .map(
      (part) =>
        part
          .split(/\s[<>]\s?/)[0]
          ?.replace(/^\s*(\S+=\S+\s+)*/, '')
          .trim() ?? '',
    )
    .filter((part) => part.startsWith('kmemsim '))
    .map((part) => ({ where, line: part })),
);

describe('kmemsim command lines in the docs and in --help', () => {
  it('finds the examples of README.md, docs/ and the package READMEs', () => {
    const files = new Set(examples.map((e) => e.where.split(':')[0]));
    for (const f of ['README.md', 'docs/sweeps.md', 'packages/rmap/README.md', 'packages/vmcore/README.md'])
      expect(files).toContain(f);
    expect(examples.length).toBeGreaterThan(40);
  });

  for (const { where, line } of examples) {
    it(`${where}: ${line}`, async () => {
      const argv = shellWords(line).slice(1);
      if (argv[0] === '--help' || argv[0] === 'help' || argv.includes('--help')) return;
      // A bare mention in prose (`kmemsim vmcore-image`) names a command; a line with flags must parse whole.
      if (argv.length === 1 && !where.includes('--help') && !argv[0]?.startsWith('-')) {
        expect(COMMANDS.map((c) => c.name.split(' ')[0])).toContain(argv[0]);
        return;
      }
      await parseOnly(argv);
    });
  }
});

describe('the check can fail', () => {
  it('rejects an unknown flag, a bad value and an unknown command', async () => {
    await expect(parseOnly(['checkpoint', '--mapp', 'kmap'])).rejects.toThrow(/unknown option '--mapp'/);
    await expect(parseOnly(['checkpoint', '--map', 'vmap'])).rejects.toThrow(/--map: got "vmap"/);
    await expect(parseOnly(['frobnicate'])).rejects.toThrow(/unknown command/);
  });
});

// Outputs the docs show after "… `kmemsim arch show i386`:" are what the command prints today, byte for byte.
describe('outputs shown in the docs', () => {
  const shown = docFiles().flatMap((f) => shownOutputs(readFileSync(join(ROOT, f), 'utf8'), f));
  it('finds the arch show tables of the four arch READMEs, as Markdown', () => {
    const md = shown.filter((s) => s.argv[0] === 'arch' && s.argv.join(' ').endsWith('--format md'));
    expect(md.map((s) => s.where.split(':')[0]).sort()).toEqual(
      ['arch-i386', 'arch-ia64', 'arch-s390', 'arch-x86_64'].map((a) => `packages/${a}/README.md`),
    );
  });
  it('reads an unfenced --format md output up to the end of its table', () => {
    const text = 'See `kmemsim arch show s390 --format md`:\n\ntitle\n\n| a |\n|---|\n| 1 |\nafter\n';
    expect(shownOutputs(text, 'x.md')).toEqual([
      { where: 'x.md:3', argv: ['arch', 'show', 's390', '--format', 'md'], shown: 'title\n\n| a |\n|---|\n| 1 |\n' },
    ]);
  });
  for (const { where, argv, shown: text } of shown) {
    it(`${where}: kmemsim ${argv.join(' ')}`, async () => {
      const r = await cli(argv);
      expect(r.code, r.err).toBe(0);
      expect(r.out).toBe(text);
    });
  }
});

// apps/cli/README.md's "kmemsim reproduce --format md" section shows the whole output (a second or two to produce).
describe('apps/cli/README.md shows what `kmemsim reproduce --format md` prints', () => {
  it('every line, in order', async () => {
    const r = await cli(['reproduce', '--format', 'md']);
    expect(r.code, r.err).toBe(0);
    const readme = readFileSync(join(ROOT, 'apps/cli/README.md'), 'utf8');
    expect(readme).toContain(r.out.trimEnd());
  }, 120_000);
});
