// `kmemsim merge FILES…`: sweep outputs (shards, reruns) of one grid joined into one file ordered by point.
import { defineAction } from '../framework/define.js';
import { UsageError } from '../framework/errors.js';
import { checkWritable, writeChunks } from '../framework/io.js';
import { text } from '../framework/options.js';

export const mergeCommand = defineAction({
  kind: 'action',
  name: 'merge',
  summary: 'join sweep outputs (shards, reruns) of one grid into one JSON-lines file ordered by point',
  examples: ['kmemsim merge shard-0.jsonl shard-1.jsonl shard-2.jsonl --out all.jsonl'],
  helpAfter:
    '\nFiles of different grids are refused; missing points and shards are reported on stderr. The output is itself\n' +
    'a sweep output: `kmemsim sweep FILE --out merged.jsonl` runs only the points it misses.',
  options: {
    files: text({
      description: 'sweep outputs',
      positional: true,
      list: true,
      required: true,
      placeholder: '<files...>',
      maxItems: 1000,
    }),
    out: text({ description: 'write to a file instead of stdout', placeholder: '<file>' }),
  },
  async run(o, ctx) {
    if (o.files.includes('-'))
      throw new UsageError('merge: reads files (it seeks in them), not stdin: give file names');
    if (o.out !== undefined) checkWritable(o.out, '--out');
    const { mergeFiles } = await import('../sweep/merge.js');
    const m = mergeFiles(o.files, ctx.warn);
    if (o.out !== undefined) writeChunks(o.out, m.chunks, '--out');
    else for (const c of m.chunks) await ctx.out(c);
    return 0;
  },
});
