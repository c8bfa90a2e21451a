// `kmemsim sweep FILE` and `kmemsim merge FILES…`.
import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import { UsageError } from '../framework/errors.js';
import { emit } from '../framework/output.js';
import { parseIntIn } from '../framework/parse.js';

const SWEEP_EXAMPLE = `
Sweep file (YAML or JSON):
  command: vmap-bench
  base: { arch: x86_64, cpus: 8, iterations: 2000, pages: 4 }
  grid: { threads: [1, 2, 4, 8], impl: [legacy, lazy, percpu] }
  seeds: [1, 2]

Examples:
  kmemsim sweep vmap.yaml --out vmap.jsonl --workers 2
  kmemsim sweep vmap.yaml --out shard-0.jsonl --shard 0/3     # this machine runs points 0, 3, 6 …
  JOB_COMPLETION_INDEX=1 JOB_COMPLETIONS=3 kmemsim sweep vmap.yaml --out shard-1.jsonl
  kmemsim merge shard-*.jsonl --out vmap.jsonl

A rerun with the same --out skips the points already there (a killed run loses no finished point).`;

export function registerSweep(program: Command, optionsOf: (command: string) => string[] | undefined): void {
  program
    .command('sweep')
    .description('run a parameter grid of any command; one JSON line per point, resumable and shardable')
    .argument('<file>', 'sweep file (.yaml, .yml or .json)')
    .requiredOption('--out <file>', 'JSON-lines output; points already in it are skipped')
    .option('--workers <n>', 'worker threads (default: 1)')
    .option(
      '--shard <i/n>',
      'run only points with index % n == i (default: JOB_COMPLETION_INDEX/JOB_COMPLETIONS, else 0/1)',
    )
    .addHelpText('after', SWEEP_EXAMPLE)
    .configureOutput({ outputError: () => {} })
    .exitOverride()
    .action(async (file: string, opts: { out: string; workers?: string; shard?: string }) => {
      const workers = opts.workers === undefined ? 1 : parseIntIn(opts.workers, '--workers', 1, 64);
      const [{ runSweep }, { parseShard }] = await Promise.all([import('../sweep/run.js'), import('../sweep/spec.js')]);
      const shard = parseShard(opts.shard, process.env);
      const bar = await progressBar();
      const s = await runSweep({ file, out: opts.out, workers, shard, optionsOf, progress: bar?.update });
      bar?.stop();
      process.stderr.write(
        `sweep: ${s.points} points, shard ${shard.index}/${shard.count} has ${s.inShard}: ${s.skipped} already done, ${s.ran} run → ${opts.out}\n`,
      );
    });
  program
    .command('merge')
    .description('join sweep outputs (shards, reruns) into one JSON-lines file ordered by point')
    .argument('<files...>', 'sweep outputs')
    .option('--out <file>', 'write to a file instead of stdout')
    .addHelpText('after', '\nExamples:\n  kmemsim merge shard-0.jsonl shard-1.jsonl shard-2.jsonl --out all.jsonl')
    .configureOutput({ outputError: () => {} })
    .exitOverride()
    .action(async (files: string[], opts: { out?: string }) => {
      for (const f of files) if (!existsSync(f)) throw new UsageError(`merge: ${f} does not exist`);
      const { mergeFiles } = await import('../sweep/merge.js');
      emit(mergeFiles(files), opts.out);
    });
}

async function progressBar(): Promise<{ update: (done: number, total: number) => void; stop: () => void } | undefined> {
  if (!process.stderr.isTTY) return undefined;
  const { SingleBar, Presets } = await import('cli-progress');
  const bar = new SingleBar(
    { stream: process.stderr, format: 'sweep [{bar}] {value}/{total} points' },
    Presets.shades_classic,
  );
  let started = false;
  return {
    update: (done, total) => {
      if (!started) {
        bar.start(total, done);
        started = true;
      } else bar.update(done);
    },
    stop: () => bar.stop(),
  };
}
