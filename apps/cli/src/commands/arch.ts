// `kmemsim arch list` and `kmemsim arch show NAME|PATH`: the architectures and every field with its source.
import type { ArchProfile } from '@kmemsim/mmu';
import { type Command, Option } from 'commander';
import { builtinArches, loadArch } from '../framework/arches.js';
import { UsageError } from '../framework/errors.js';
import { emit } from '../framework/output.js';
import { parseChoice } from '../framework/parse.js';
import { table } from '../framework/table.js';

const FORMATS = ['table', 'json'] as const;

function virtModes(a: ArchProfile): string {
  return ['none', ...Object.keys(a.virt)].join(',');
}

function listTable(arches: ArchProfile[]): string {
  return table(
    ['arch', 'bits', 'page', 'line', 'cpus', 'highmem', 'global flush', 'virt modes', 'description'],
    arches.map((a) => [
      a.name,
      a.wordBits,
      a.pageBytes,
      a.cacheLineBytes,
      a.defaultCpus,
      a.highmem ? `pkmap ${a.highmem.pkmapEntries}/${a.highmem.pkmapEntriesPae} (PAE)` : 'none',
      a.tlb.globalFlush === 'ipi' ? 'IPI shootdown' : 'hw broadcast',
      virtModes(a),
      a.description,
    ]),
  );
}

function flatten(o: unknown, prefix = ''): [string, unknown][] {
  if (o !== null && typeof o === 'object' && !Array.isArray(o)) {
    return Object.entries(o).flatMap(([k, v]) => flatten(v, prefix ? `${prefix}.${k}` : k));
  }
  return [[prefix, o]];
}

function showTable(a: ArchProfile): string {
  const { sources, ...rest } = a;
  const rows = flatten(rest).map(([path, v]) => [path, v === null ? 'none' : String(v), sources[path] ?? '']);
  return `${a.name} — ${a.description}\n${table(['field', 'value', 'source'], rows)}`;
}

export function registerArch(program: Command): void {
  const arch = program
    .command('arch')
    .description('list the architectures, or show one with every field and its source')
    .configureOutput({ outputError: () => {} })
    .exitOverride()
    .argument('[subcommand]')
    .action((sub?: string) => {
      throw new UsageError(
        sub
          ? `arch: unknown subcommand '${sub}' (expected list or show NAME|PATH)`
          : 'arch: expected a subcommand: list or show NAME|PATH (see kmemsim arch --help)',
      );
    });
  arch
    .command('list')
    .description('list the built-in architectures')
    .addOption(new Option('--format <fmt>', 'output format: table, json').default('table'))
    .option('--out <file>', 'write the output to a file instead of stdout')
    .addHelpText('after', '\nExamples:\n  kmemsim arch list\n  kmemsim arch list --format json')
    .configureOutput({ outputError: () => {} })
    .exitOverride()
    .action(async (opts: { format: string; out?: string }) => {
      const format = parseChoice(opts.format, '--format', FORMATS);
      const arches = await builtinArches();
      emit(format === 'json' ? `${JSON.stringify(arches, null, 2)}\n` : `${listTable(arches)}\n`, opts.out);
    });
  arch
    .command('show')
    .description('show one architecture: every field, its value and its source')
    .argument(
      '<name|path>',
      'a built-in arch name, or a plugin file (.mjs/.js/.json) whose default export is a profile',
    )
    .addOption(new Option('--format <fmt>', 'output format: table, json').default('table'))
    .option('--out <file>', 'write the output to a file instead of stdout')
    .addHelpText(
      'after',
      '\nExamples:\n  kmemsim arch show i386\n  kmemsim arch show ./examples/arm64/arm64.mjs --format json',
    )
    .configureOutput({ outputError: () => {} })
    .exitOverride()
    .action(async (name: string, opts: { format: string; out?: string }) => {
      const format = parseChoice(opts.format, '--format', FORMATS);
      const a = await loadArch(name, 'arch show');
      emit(format === 'json' ? `${JSON.stringify(a, null, 2)}\n` : `${showTable(a)}\n`, opts.out);
    });
}
