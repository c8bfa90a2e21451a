// `kmemsim arch list`: the built-in architectures.
import { builtinArches } from '../framework/arches.js';
import { defineAction } from '../framework/define.js';
import { emitTo, format, listTable, out, rendered } from './arch.js';

export const archListCommand = defineAction({
  kind: 'action',
  name: 'arch list',
  summary: 'list the built-in architectures',
  examples: ['kmemsim arch list', 'kmemsim arch list --format json'],
  options: { format, out },
  async run(o, ctx) {
    const arches = await builtinArches();
    return emitTo(
      ctx,
      o.out,
      rendered(o.format, arches, (t) => listTable(arches, t)),
    );
  },
});
