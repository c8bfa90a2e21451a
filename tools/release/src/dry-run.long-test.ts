// The publish dry run in CI (`pnpm test:long`, or `pnpm release:check`): the pending changesets version and pack
// cleanly, and the scenarios that used to push the arch plugins to 1.0.0 no longer do.
import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DryRunResult, dryRun } from './dry-run.js';
import { packedManifest } from './tarball.js';

const ARCHES = ['@kmemsim/arch-i386', '@kmemsim/arch-ia64', '@kmemsim/arch-s390', '@kmemsim/arch-x86_64'];
const runs: DryRunResult[] = [];
function track(r: DryRunResult): DryRunResult {
  runs.push(r);
  return r;
}
afterAll(() => {
  for (const r of runs) r.cleanup();
});

describe('publish dry run of the pending changesets', () => {
  let r: DryRunResult;
  beforeAll(() => {
    r = track(dryRun({ pack: true }));
  });

  it('bumps no package to a major no changeset asked for', () => {
    expect(r.surprises).toEqual([]);
    for (const name of ARCHES) expect(r.after.get(name)).not.toMatch(/^1\./);
  });

  it('packs every published package with every file its manifest names, README, LICENSE and CHANGELOG', () => {
    expect(r.tarballs.size).toBe(11);
    expect(r.missing).toEqual([]);
  });

  it('writes internal ranges the new versions satisfy (no exact pins, no workspace: left)', () => {
    const version = (n: string) => r.after.get(n) as string;
    const x86 = packedManifest(r.tarballs.get('@kmemsim/arch-x86_64') as string);
    expect(x86.peerDependencies?.['@kmemsim/mmu']).toBe('^0');
    const cli = packedManifest(r.tarballs.get('kmemsim') as string);
    expect(cli.dependencies?.['@kmemsim/vmcore']).toBe(`^${version('@kmemsim/vmcore')}`);
    expect(cli.peerDependencies).toEqual({ vega: '^6.4.0', 'vega-lite': '^6.4.3' });
    const changelog = execFileSync('tar', ['-xzOf', r.tarballs.get('@kmemsim/mmu') as string, 'package/CHANGELOG.md'], {
      encoding: 'utf8',
    });
    expect(changelog).toContain(`## ${version('@kmemsim/mmu')}`);
  });
});

describe('scenarios', () => {
  it('a patch changeset on core and mmu bumps no package to 1.0.0', () => {
    const r = track(dryRun({ changesets: { 'fix.md': { '@kmemsim/core': 'patch', '@kmemsim/mmu': 'patch' } } }));
    expect(r.surprises).toEqual([]);
    expect(r.after.get('@kmemsim/mmu')).toBe('0.1.1');
    for (const v of r.after.values()) expect(v).toMatch(/^0\./);
  });

  it('a minor change to mmu alone leaves the arch plugins on 0.x (in the ^0 peer range)', () => {
    const r = track(dryRun({ changesets: { 'feat.md': { '@kmemsim/mmu': 'minor' } } }));
    expect(r.surprises).toEqual([]);
    expect(r.after.get('@kmemsim/mmu')).toBe('0.2.0');
    for (const name of ARCHES) expect(r.after.get(name)).toBe(r.before.get(name));
  });

  it('catches the old exact peer pin: a minor mmu change would push the arch plugins to 1.0.0', () => {
    const r = track(
      dryRun({
        changesets: { 'feat.md': { '@kmemsim/mmu': 'minor' } },
        edit: (dir, m) => {
          const peers = m.peerDependencies as Record<string, string> | undefined;
          if (dir.includes('arch-') && peers) peers['@kmemsim/mmu'] = 'workspace:*';
        },
      }),
    );
    expect(r.surprises).toHaveLength(4);
    expect(r.surprises[0]).toMatch(/^@kmemsim\/arch-\S+ 0\.1\.0 → 1\.0\.0: a major bump no changeset asked for/);
  });
});
