// commander, generated from the definitions: flags, placeholders, --help text (range or choices, default) and
// positional arguments all come from the option schema. commander only splits the command line; values are
// parsed and validated by the schema (normalise.ts), so the command line and sweep files agree exactly.
import { type Command, Option } from 'commander';
import { cliSchema } from './cli-schema.js';
import type { CommandDef } from './define.js';
import { UsageError } from './errors.js';
import { kebab } from './keys.js';
import { type AnyOption, defaultHelp } from './options.js';

/** --help text of one option: description; what is valid; the default. */
export function optionHelp(o: AnyOption): string {
  const parts = [o.description];
  if (o.kind === 'choice') parts.push(`${o.list ? 'any of' : 'one of'}: ${o.choices?.join(', ')}`);
  else if (o.kind !== 'string' && o.kind !== 'bool') parts.push(o.list ? `each ${o.expected}` : o.expected);
  const d = defaultHelp(o);
  return `${parts.join('; ')}${d ? ` (default: ${d})` : ''}`;
}

function quiet(cmd: Command): Command {
  return cmd.configureOutput({ outputError: () => {} }).exitOverride();
}

/** Raw values of one invocation, keyed by option name (positional arguments under their own names). */
export type RawInvocation = Record<string, unknown>;

/** Adds one definition to `program` (a subcommand `arch list` under a group `arch`). */
export function addDefinition(
  program: Command,
  def: CommandDef,
  action: (def: CommandDef, raw: RawInvocation) => Promise<void>,
  groups: Record<string, string> = {},
): Command {
  const words = def.name.split(' ');
  let parent = program;
  for (const w of words.slice(0, -1)) {
    parent = parent.commands.find((c) => c.name() === w) ?? groupCommand(parent, w, groups[w] ?? '');
  }
  const cmd = quiet(parent.command(words[words.length - 1]).description(def.summary));
  const schema = cliSchema(def);
  const positional = Object.entries(schema).filter(([, o]) => o.positional);
  for (const [name, o] of positional) {
    const n = o.placeholder.replace(/^<(.*?)(\.\.\.)?>$/, '$1') || kebab(name);
    cmd.argument(o.list ? `<${n}...>` : o.required ? `<${n}>` : `[${n}]`, o.description);
  }
  for (const [name, o] of Object.entries(schema)) {
    if (o.positional) continue;
    cmd.addOption(new Option(`--${kebab(name)} ${o.placeholder}`, optionHelp(o)));
  }
  const after = [`\nExamples:\n${def.examples.map((e) => `  ${e}`).join('\n')}`];
  if (def.helpAfter) after.push(def.helpAfter);
  cmd.addHelpText('after', after.join('\n'));
  cmd.action(async (...args: unknown[]) => {
    const c = args[args.length - 1] as Command;
    const raw: RawInvocation = { ...c.opts() };
    positional.forEach(([name], i) => {
      raw[name] = args[i];
    });
    await action(def, raw);
  });
  return cmd;
}

/** `kmemsim arch` alone or with an unknown subcommand: one line naming the subcommands. */
function groupCommand(parent: Command, name: string, summary: string): Command {
  const group = quiet(parent.command(name).description(summary))
    .argument('[subcommand]')
    .action((sub?: string) => {
      const subs = group.commands.map(
        (c) => `${c.name()}${c.registeredArguments.map((a) => ` ${a.name().toUpperCase()}`).join('')}`,
      );
      throw new UsageError(
        sub
          ? `${name}: unknown subcommand '${sub}' (expected ${subs.join(' or ')})`
          : `${name}: expected a subcommand: ${subs.join(' or ')} (see kmemsim ${name} --help)`,
      );
    });
  return group;
}
