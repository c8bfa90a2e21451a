// `kmemsim arch show NAME|PATH`: one architecture, every field with its value and its source.
import { archSourceOf, loadArch } from '../framework/arches.js';
import { defineAction } from '../framework/define.js';
import { text } from '../framework/options.js';
import { emitTo, format, out, rendered, showTable } from './arch.js';

export const archShowCommand = defineAction({
  kind: 'action',
  name: 'arch show',
  summary: 'show one architecture: every field, its value and its source',
  examples: [
    'kmemsim arch show i386',
    'kmemsim arch show i386 --format md > i386.md',
    'kmemsim arch show ./examples/arm64/arm64.mjs --format json',
  ],
  options: {
    name: text({
      description:
        'a built-in arch name, an installed plugin package, or a plugin file (.mjs/.js/.json) whose default export is a profile',
      positional: true,
      required: true,
      placeholder: '<name|package|path>',
    }),
    format,
    out,
  },
  async run(o, ctx) {
    const a = await loadArch(o.name, 'arch show');
    const src = archSourceOf(a.name);
    const from = src
      ? `from ${src.kind === 'package' ? 'package' : 'file'} ${src.file}${src.package ? ` (${src.package} ${src.version})` : ''}, sha256 ${src.sha256}\n`
      : '';
    const body = rendered(o.format, a, (t) => showTable(a, t));
    return emitTo(ctx, o.out, o.format === 'json' ? body : `${body}${o.format === 'md' && from ? '\n' : ''}${from}`);
  },
});
