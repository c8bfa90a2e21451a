// The fuzz suite's cases and how each is judged, shared by the quick run in `pnpm test` and the long one.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { findCommand } from '../framework/invoke.js';
import { argvCase, type FuzzEnv } from './argv.js';
import { type Outcome, outcomeProblems } from './check.js';
import { pluginFile, sweepFile } from './inputs.js';

export interface FuzzCase {
  kind: 'argv' | 'plugin' | 'sweep';
  args: string[];
}

/** A scratch directory with a few inputs that exist: a valid sweep file and output, a plugin, garbage. */
export async function fuzzEnv(profile: Record<string, unknown>): Promise<FuzzEnv> {
  const dir = mkdtempSync(join(tmpdir(), 'kmemsim-fuzz-'));
  mkdirSync(join(dir, 'sub-dir'));
  const sweep = join(dir, 'ok.yaml');
  writeFileSync(sweep, 'command: checkpoint\nbase: { size: 4MiB }\ngrid: { map: [kmap, kmap_atomic] }\n');
  const plugin = join(dir, 'arm64.json');
  writeFileSync(plugin, JSON.stringify(profile));
  const garbage = join(dir, 'garbage.jsonl');
  writeFileSync(garbage, Buffer.from([0, 1, 2, 255, 10, 123, 10]));
  return {
    dir,
    files: [sweep, plugin, garbage, join(dir, 'ok.jsonl'), join(dir, 'missing.jsonl'), join(dir, 'sub-dir')],
  };
}

export function fuzzCase(env: FuzzEnv, profile: Record<string, unknown>): fc.Arbitrary<FuzzCase> {
  let outs = 0;
  return fc.oneof(
    { weight: 12, arbitrary: argvCase(env).map((c) => ({ kind: 'argv' as const, args: c.args })) },
    {
      weight: 2,
      arbitrary: fc.tuple(pluginFile(env.dir, profile), fc.boolean()).map(([file, show]) => ({
        kind: 'plugin' as const,
        args: show
          ? ['arch', 'show', file, '--format', 'json']
          : ['checkpoint', '--arch', file, '--size', '4MiB', '--format', 'json'],
      })),
    },
    {
      weight: 2,
      arbitrary: sweepFile(env.dir).map((file) => ({
        kind: 'sweep' as const,
        args: ['sweep', file, '--out', join(env.dir, `out-${process.pid}-${outs++}.jsonl`)],
      })),
    },
  );
}

/** Whether `args` name a command that prints a result document. */
export function isResultCommand(args: readonly string[]): boolean {
  return findCommand(args[0] ?? '')?.kind === 'result';
}

/** Judges one run; for a sweep that succeeded, also merges and reports its output. */
export async function judge(
  c: FuzzCase,
  run: (args: string[]) => Promise<Outcome>,
): Promise<{ args: string[]; problems: string[] }[]> {
  const found: { args: string[]; problems: string[] }[] = [];
  const check = async (args: string[]) => {
    const r = await run(args);
    const problems = outcomeProblems(args, r, isResultCommand(args));
    if (problems.length) found.push({ args, problems: [...problems, `stderr: ${r.err.slice(0, 300)}`] });
    return r;
  };
  const r = await check(c.args);
  if (c.kind === 'sweep' && r.code === 0) {
    const out = c.args[3];
    await check(['merge', out]);
    // A report renders charts (vega): one sweep in four is enough to check it reads every sweep output.
    if (out.length % 4 === 0) await check(['report', out]);
  }
  return found;
}

/** fast-check's seed: fixed (so CI is repeatable) unless KMEMSIM_FUZZ_SEED says otherwise. */
export const FUZZ_SEED = Number(process.env.KMEMSIM_FUZZ_SEED ?? 15);
