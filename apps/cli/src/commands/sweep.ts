// `kmemsim sweep FILE`: a parameter grid of any simulation command, one JSON line per point (docs/sweeps.md).
import { defineAction } from '../framework/define.js';
import { int, text } from '../framework/options.js';

const SWEEP_FILE = `
Sweep file (YAML or JSON):
  command: vmap-bench
  base: { arch: x86_64, cpus: 8, iterations: 2000, pages: 4 }
  grid: { threads: [1, 2, 4, 8], impl: [legacy, lazy, percpu] }
  seeds: [1, 2]

Option names as on the command line (nr-threads), in camelCase (nrThreads) or snake_case (nr_threads).
A rerun with the same --out skips the points already there (a killed run loses no finished point). The output
starts with a header naming the grid: another grid or shard is refused on that file, and one sweep at a time
writes it (OUT.lock names the holder).`;

export const sweepCommand = defineAction({
  kind: 'action',
  name: 'sweep',
  summary: 'run a parameter grid of any command; one JSON line per point, resumable and shardable',
  examples: [
    'kmemsim sweep vmap.yaml --out vmap.jsonl --workers 2',
    'kmemsim sweep vmap.yaml --out shard-0.jsonl --shard 0/3     # this machine runs points 0, 3, 6 …',
    'JOB_COMPLETION_INDEX=1 JOB_COMPLETIONS=3 kmemsim sweep vmap.yaml --out shard-1.jsonl',
    'kmemsim merge shard-*.jsonl --out vmap.jsonl',
  ],
  helpAfter: SWEEP_FILE,
  options: {
    file: text({
      description: 'sweep file (.yaml, .yml or .json)',
      positional: true,
      required: true,
      placeholder: '<file>',
    }),
    out: text({
      description: 'JSON-lines output; points already in it are skipped',
      required: true,
      placeholder: '<file>',
    }),
    workers: int({ description: 'worker threads', min: 1, max: 64, default: 1 }),
    waitFullDisk: int({
      description:
        'on a full disk, wait this many seconds for space before stopping (the file keeps every finished point)',
      min: 0,
      max: 86_400,
      default: 300,
      placeholder: '<s>',
    }),
    shard: text({
      description: 'run only points with index % n == i',
      placeholder: '<i/n>',
      maxLength: 32,
      defaultText: 'JOB_COMPLETION_INDEX/JOB_COMPLETIONS, else 0/1',
    }),
  },
  async run(o, ctx) {
    const [{ runSweep }, { parseShard }] = await Promise.all([import('../sweep/run.js'), import('../sweep/spec.js')]);
    const shard = parseShard(o.shard, process.env);
    let release = () => {};
    try {
      const s = await runSweep({
        file: o.file,
        out: o.out,
        workers: o.workers,
        shard,
        progress: ctx.progress,
        warn: ctx.warn,
        appender: { waitFullMs: o.waitFullDisk * 1000 },
        started: (c) => {
          // Ctrl-C: every finished point is already in --out (appended whole and fsync'd); say so and how to go on.
          release =
            ctx.interruptible?.(
              () =>
                `${c.saved().toLocaleString('en-US')} of ${c.inShard.toLocaleString('en-US')} points saved in ${o.out}; ` +
                'rerun the same command to resume',
            ) ?? release;
        },
      });
      ctx.progress(1, 1, '');
      ctx.info(
        `sweep: ${s.points} points, shard ${shard.index}/${shard.count} has ${s.inShard}: ${s.skipped} already done, ${s.ran} run → ${o.out}`,
      );
    } finally {
      release();
    }
    return 0;
  },
});
