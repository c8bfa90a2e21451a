// One vitest suite of real-makedumpfile interop checks (interop-check.ts): skipped, saying why, where makedumpfile
// or strace is missing, with a temporary folder for its vmcores. The fast subset (interop-*.test.ts) and the full
// matrix (interop-*.long-test.ts, cases in interop-matrix.ts) stand one case a file, so two test workers share them.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type Case, checkCase, checkForeignCore, SKIP, TOOLS } from './interop-check.js';
import type { ForeignCase } from './interop-matrix.js';

/** The suite titled `title`; `body` registers its tests, writing into `dir`. */
export function interopSuite(title: string, body: (dir: string) => void): void {
  describe.skipIf(!TOOLS)(`${title}${SKIP}`, () => {
    const dir = mkdtempSync(join(tmpdir(), 'kmemsim-interop-'));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));
    body(dir);
  });
}

/** The fast subset's suite title (interop-*.test.ts, in `pnpm test`). */
export const FAST_SUBSET = 'interop with the real makedumpfile 1.7.2 (fast subset)';

/** The full matrix's suite title (one per file; the same in every file, as when they were one). */
export const MATRIX_TITLE = 'real makedumpfile 1.7.2, full matrix';

/** A full-matrix case as its own suite: every count equal, report and calls, model and --image. */
export function matrixSuite(c: Case, title = caseTitle(c)): void {
  interopSuite(MATRIX_TITLE, (dir) => {
    it(title, async () => {
      expect(await checkCase(dir, c)).toEqual([]);
    });
  });
}

function caseTitle(c: Case): string {
  return `${c.mib} MiB ${c.profile}, ${c.cpus} CPU(s)${c.hwpoison ? ', PG_hwpoison' : ''}: every count equal`;
}

/** A vmcore another generator wrote, as its own full-matrix suite: model from --image equals the real tool. */
export function foreignSuite(f: ForeignCase): void {
  interopSuite(MATRIX_TITLE, (dir) => {
    it(`a vmcore another generator wrote (${f.name}): model from --image equals the real tool`, async () => {
      expect(await checkForeignCore(join(dir, `foreign-${f.options.seed}.vmcore`), f.options, f.runs)).toEqual([]);
    });
  });
}
