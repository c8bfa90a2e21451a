// File order for `pnpm test` on 2 workers: the longest files first, across all projects, so no long file starts
// last and leaves one worker idle at the end. vitest's own order runs project by project and, without its cache
// (a fresh clone in CI), largest file first within each — which put the 2-minute vmalloc invariants file near the
// end. Known durations come from vitest's cache when it has them, else from SLOW below (seconds, measured on the
// 2-core machine; a stale entry only changes the order, never what runs).
import type { TestSpecification } from 'vitest/node';
import { BaseSequencer } from 'vitest/node';

/** Test files measured slowest (s, `pnpm test` under load ≈ 20), by path from the repo root. */
const SLOW: Record<string, number> = {
  'packages/vmalloc/src/mechanism/invariants-drain.test.ts': 108,
  'packages/vmalloc/src/mechanism/invariants-steps.test.ts': 20,
  'packages/vmcore/src/elf/interop.test.ts': 44,
  'apps/cli/src/fuzz/fuzz.test.ts': 33,
  'apps/cli/src/commands/sweep.test.ts': 24,
  'packages/rmap/src/rmap.test.ts': 20,
  'packages/highmem/src/atomic-local.test.ts': 20,
  'apps/cli/src/report/svg-cli.test.ts': 18,
  'apps/cli/src/framework/trace.test.ts': 16,
  'apps/cli/src/commands/report.test.ts': 14,
  'packages/vmcore/src/testing/foreign-core.test.ts': 11,
  'packages/highmem/src/pkmap.test.ts': 10,
  'packages/vmalloc/src/workloads/sampler.test.ts': 10,
  'apps/cli/src/report/report-browser.test.ts': 9,
};

export default class SlowFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const root = this.ctx.config.root.replace(/\/?$/, '/');
    const seconds = (f: TestSpecification): number => {
      const path = f.moduleId.startsWith(root) ? f.moduleId.slice(root.length) : f.moduleId;
      const cached = this.ctx.cache.getFileTestResults(`${f.project.name}:${path}`);
      return cached !== undefined ? cached.duration / 1000 : (SLOW[path] ?? 0);
    };
    const base = await super.sort(files);
    const rank = new Map(base.map((f, i) => [f, i]));
    return base.sort((a, b) => seconds(b) - seconds(a) || (rank.get(a) ?? 0) - (rank.get(b) ?? 0));
  }
}
