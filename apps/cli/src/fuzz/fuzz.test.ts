// The fuzz suite, quick run (pnpm test): 150 generated command lines, plugin files and sweep files through the
// typed commands in-process, and 6 against the built binary, kept short so that pnpm test stays near 5 minutes on
// 2 cores. The long runs (fuzz-a / fuzz-b / fuzz-binary.long-test.ts: 10,000 in-process, 200 against the binary)
// follow in pnpm test:long.
import { pathToFileURL } from 'node:url';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli } from '../testing/in-process.js';
import { REPO, runCliAsync } from '../testing/run-cli.js';
import type { FuzzEnv } from './argv.js';
import { noNul } from './long.js';
import { FUZZ_SEED, type FuzzCase, fuzzCase, fuzzEnv, judge } from './suite.js';

let env: FuzzEnv;
let profile: Record<string, unknown>;
beforeAll(async () => {
  process.env.KMEMSIM_PLUGIN_TIMEOUT_MS = '250';
  profile = (await import(pathToFileURL(`${REPO}examples/arm64/arm64.mjs`).href)).default;
  env = await fuzzEnv(profile);
  // Hostile --out and --trace values are relative paths: keep what they write in the scratch directory.
  cwd = process.cwd();
  process.chdir(env.dir);
});
afterAll(() => process.chdir(cwd));
let cwd = '';

describe('fuzz (quick)', () => {
  it('in-process: exit 0/1/2, one line, no stack trace, schema-valid JSON', async () => {
    const cpu0 = process.cpuUsage();
    await fc.assert(
      fc.asyncProperty(fuzzCase(env, profile), async (c: FuzzCase) => {
        const found = await judge(c, async (args) => cli(args));
        expect(found).toEqual([]);
        expect(process.memoryUsage().rss).toBeLessThan(2 * 2 ** 30);
      }),
      { numRuns: 150, seed: FUZZ_SEED },
    );
    const cpu = process.cpuUsage(cpu0);
    console.log(`fuzz (quick): 150 cases in-process, ${((cpu.user + cpu.system) / 1e6).toFixed(1)} s of CPU`);
  }, 300_000);

  it('the built binary: the same, and a bounded peak RSS', async () => {
    const cases = fc.sample(fuzzCase(env, profile), { numRuns: 6, seed: FUZZ_SEED + 1 });
    for (const c of cases) {
      let rss = 0;
      const found = await judge(c, async (args) => {
        const r = await runCliAsync(noNul(args), { cwd: env.dir, env: { KMEMSIM_PLUGIN_TIMEOUT_MS: '250' } });
        rss = Math.max(rss, r.rssMiB);
        return { code: r.code, out: r.stdout, err: r.stderr };
      });
      expect(found).toEqual([]);
      expect(rss).toBeLessThan(1024);
    }
  }, 300_000);
});
