// Issue 15: each failure found by trying kmemsim as a new user would, against the built binary. Every case failed
// before the typed command layer and the sweep and input hardening; the cases are in regressions.cases.ts. The
// output failures (a full or closed stdout, a partial file) are in regressions-output.test.ts; the sweep's
// durability cases (a short write, a disk that fills, two writers, another grid, SIGKILL) are in
// sweep/durability.test.ts and commands/sweep.test.ts.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { CASES, dir, OK_CASES, put, small } from './regressions.cases.js';
import { type CliResult, inPool, runCliAsync } from './testing/run-cli.js';

describe('issue 15 failures, against the built binary: one line, the right exit code, no stack trace', () => {
  let results: CliResult[] = [];
  const all = [...CASES, ...OK_CASES];
  beforeAll(async () => {
    // A valid sweep output with a BOM in front.
    const clean = join(dir, 'clean.jsonl');
    const r = await runCliAsync(['sweep', small, '--out', clean]);
    expect(r.code, r.stderr).toBe(0);
    const bom = put('bom.jsonl', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), readFileSync(clean)]));
    results = await inPool(all, 4, (c) =>
      runCliAsync(
        c.args.map((a) => (a === '@BOM' ? bom : a)),
        c.opts,
      ),
    );
  }, 600_000);
  all.forEach((c, i) => {
    it(c.name, () => {
      const r = results[i];
      expect(r.code, r.stderr).toBe(c.code);
      const err = r.stderr.trim();
      if (c.code !== 0) expect(err.split('\n'), err).toHaveLength(1);
      expect(c.code === 0 ? (err.split('\n').pop() ?? '') : err).toMatch(c.says);
      expect(r.stderr).not.toMatch(/\s+at .+:\d+:\d+|Unhandled|bad_alloc/);
      expect(r.rssMiB, 'peak RSS (MiB)').toBeLessThan(512);
    });
  });
});
