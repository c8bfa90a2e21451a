// The long fuzz runs (pnpm test:long): in-process cases split over files so vitest runs them on every core, and
// the built binary in parallel spawns.
import { pathToFileURL } from 'node:url';
import fc from 'fast-check';
import { expect } from 'vitest';
import { cli } from '../testing/in-process.js';
import { REPO, runCliAsync } from '../testing/run-cli.js';
import { FUZZ_SEED, type FuzzCase, fuzzCase, fuzzEnv, judge } from './suite.js';

/** The OS cannot pass a NUL byte in an argument: a user cannot type one either. */
export const noNul = (args: string[]) => args.map((a) => a.replace(/\u0000/g, ''));

async function setup() {
  process.env.KMEMSIM_PLUGIN_TIMEOUT_MS = '250';
  const profile = (await import(pathToFileURL(`${REPO}examples/arm64/arm64.mjs`).href)).default;
  return { profile, env: await fuzzEnv(profile) };
}

/** `numRuns` generated cases through the typed commands in-process; returns how many ran. */
export async function fuzzInProcess(numRuns: number, seedOffset: number): Promise<number> {
  const { profile, env } = await setup();
  let ran = 0;
  // Hostile --out and --trace values are relative paths: keep what they write in the scratch directory.
  const cwd = process.cwd();
  process.chdir(env.dir);
  try {
    await fc.assert(
      fc.asyncProperty(fuzzCase(env, profile), async (c: FuzzCase) => {
        ran++;
        expect(await judge(c, async (args) => cli(args))).toEqual([]);
        expect(process.memoryUsage().rss).toBeLessThan(2 * 2 ** 30);
      }),
      { numRuns, seed: FUZZ_SEED + seedOffset },
    );
  } finally {
    process.chdir(cwd);
  }
  return ran;
}

/** `numRuns` generated cases against the built binary, several processes at a time; each one's peak RSS bounded. */
export async function fuzzBinary(numRuns: number, seedOffset: number, parallel = 4): Promise<number> {
  const { profile, env } = await setup();
  const cases = fc.sample(fuzzCase(env, profile), { numRuns, seed: FUZZ_SEED + seedOffset });
  const found: unknown[] = [];
  let next = 0;
  let ran = 0;
  await Promise.all(
    Array.from({ length: parallel }, async () => {
      for (let i = next++; i < cases.length; i = next++) {
        let rss = 0;
        const f = await judge(cases[i], async (args) => {
          const r = await runCliAsync(noNul(args), { cwd: env.dir, env: { KMEMSIM_PLUGIN_TIMEOUT_MS: '250' } });
          rss = Math.max(rss, r.rssMiB);
          return { code: r.code, out: r.stdout, err: r.stderr };
        });
        ran++;
        if (rss >= 1024) f.push({ args: cases[i].args, problems: [`peak RSS ${rss} MiB`] });
        found.push(...f);
      }
    }),
  );
  expect(found).toEqual([]);
  return ran;
}
