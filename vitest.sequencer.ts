// File order for `pnpm test` and `pnpm test:long` on 2 workers: the longest files first, across all projects, so no long file starts
// last and leaves one worker idle at the end. vitest's own order runs project by project and, without its cache
// (a fresh clone in CI), largest file first within each — which put the 2-minute vmalloc invariants file near the
// end. Known durations come from vitest's cache when it has them, else from SLOW below (seconds, measured on the
// 2-core machine; a stale entry only changes the order, never what runs).
import type { TestSpecification } from 'vitest/node';
import { BaseSequencer } from 'vitest/node';

/** Test files measured slowest (s, `pnpm test` under load ≈ 20; long suites in CI), by path from the repo root. */
const SLOW: Record<string, number> = {
  // pnpm test:long (others: CI, Nov 30; the interop matrix: split one case a file, --seccomp-bpf, load 8-9)
  'tools/release/src/install.long-test.ts': 90,
  'apps/cli/src/fuzz/fuzz-b.long-test.ts': 75,
  'packages/vmalloc/src/mechanism/invariants-drain.long-test.ts': 70,
  'packages/vmcore/src/elf/interop-ig3200-hwpoison.long-test.ts': 68,
  'apps/cli/src/fuzz/fuzz-a.long-test.ts': 60,
  'apps/cli/src/fuzz/fuzz-binary.long-test.ts': 45,
  'tools/docs/src/readme.long-test.ts': 45,
  'packages/vmcore/src/elf/interop-ig320-elf.long-test.ts': 43,
  'packages/vmcore/src/elf/interop-past-4gib.long-test.ts': 39,
  'packages/vmcore/src/elf/interop-bs1600.long-test.ts': 37,
  'packages/vmcore/src/elf/interop-foreign-kaslr.long-test.ts': 36,
  'packages/vmcore/src/elf/interop-drawn.long-test.ts': 31,
  'packages/vmcore/src/elf/interop-foreign-flat.long-test.ts': 22,
  'packages/vmcore/src/elf/interop-bs384-hwpoison.long-test.ts': 21,
  'packages/vmcore/src/elf/interop-makedumpfile-elf.long-test.ts': 18,
  'packages/vmcore/src/elf/interop-sparse384.long-test.ts': 17,
  'packages/vmcore/src/elf/interop-fs256.long-test.ts': 16,
  // pnpm test
  'packages/vmalloc/src/mechanism/invariants-drain.test.ts': 11,
  'packages/vmalloc/src/mechanism/invariants-steps.test.ts': 20,
  'apps/cli/src/fuzz/fuzz.test.ts': 17,
  'apps/cli/src/commands/sweep.test.ts': 24,
  'packages/rmap/src/rmap.test.ts': 20,
  'packages/highmem/src/atomic-local.test.ts': 20,
  'apps/cli/src/report/svg-cli.test.ts': 18,
  'packages/vmcore/src/elf/interop-flat.test.ts': 18,
  'packages/vmcore/src/elf/interop-sparse.test.ts': 17,
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
