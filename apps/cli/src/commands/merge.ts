// `kmemsim merge FILES…`: sweep outputs (shards, reruns) joined into one JSON-lines file ordered by point.
import { defineAction } from '../framework/define.js';
import { checkWritable, writeWhole } from '../framework/io.js';
import { text } from '../framework/options.js';

export const mergeCommand = defineAction({
  kind: 'action',
  name: 'merge',
  summary: 'join sweep outputs (shards, reruns) into one JSON-lines file ordered by point',
  examples: ['kmemsim merge shard-0.jsonl shard-1.jsonl shard-2.jsonl --out all.jsonl'],
  options: {
    files: text({
      description: 'sweep outputs',
      positional: true,
      list: true,
      required: true,
      placeholder: '<files...>',
      maxItems: 4096,
    }),
    out: text({ description: 'write to a file instead of stdout', placeholder: '<file>' }),
  },
  async run(o, ctx) {
    if (o.out !== undefined) checkWritable(o.out, '--out');
    const { mergeFiles } = await import('../sweep/merge.js');
    const merged = mergeFiles(o.files);
    if (o.out !== undefined) writeWhole(o.out, merged, '--out');
    else await ctx.out(merged);
    return 0;
  },
});
