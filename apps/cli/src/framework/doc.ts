// docs/cli-options.md, rendered from the command definitions (the same text --help shows), so the docs cannot
// drift from the schema. Regenerate with `UPDATE_DOCS=1 pnpm exec vitest run apps/cli/src/commands/options-doc.test.ts`.
import { cliSchema } from './cli-schema.js';
import { optionHelp } from './commander.js';
import type { CommandDef } from './define.js';
import { kebab, snake } from './keys.js';

const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

export function optionsMarkdown(commands: readonly CommandDef[]): string {
  const out = [
    '# kmemsim command options',
    '',
    '<!-- Generated from the command definitions (apps/cli/src/commands); do not edit by hand. -->',
    'Each option is written `--flag` on the command line, `camelCase` in code (`runCommand`), and `snake_case` in JSON',
    '(run variants, sweep lines); sweep files accept any of the three. Lists are comma-separated; each value is one run.',
    '',
  ];
  for (const def of commands) {
    out.push(`## kmemsim ${def.name}`, '', def.summary, '');
    out.push('| option | JSON / sweep key | type | list | description |', '|---|---|---|---|---|');
    for (const [name, o] of Object.entries(cliSchema(def))) {
      const flag = o.positional
        ? o.placeholder.replace(/^<|>$/g, '').toUpperCase()
        : `--${kebab(name)} ${o.placeholder}`;
      const keyed = def.kind === 'result' && def.sweepable && name in def.options && o.sweep && !o.positional;
      const key = keyed ? `\`${snake(name)}\`` : '—';
      out.push(
        `| \`${cell(flag)}\` | ${key} | ${o.kind} | ${o.list ? 'yes' : ''} | ${cell(optionHelp(o))}${o.required ? ' (required)' : ''} |`,
      );
    }
    out.push('');
  }
  return out.join('\n');
}
