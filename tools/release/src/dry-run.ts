// The publish dry run: in a throw-away copy of the workspace, `changeset version` then `pnpm pack` of every
// published package. It reports surprise majors (a package pushed to a new major no changeset asked for) and every
// file a tarball lacks. `changesets` replaces the pending changesets (to try a scenario) when given.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Bump, declaredBumps, readChangesets, surpriseMajors } from './changesets.js';
import { missingFiles, pack, packedManifest, tarEntries } from './tarball.js';
import { copyWorkspace, publishablePackages, ROOT } from './workspace.js';

export interface DryRunResult {
  before: Map<string, string>;
  after: Map<string, string>;
  surprises: string[];
  /** Tarball path per package name (only when packing). */
  tarballs: Map<string, string>;
  /** "name: problem" for every file a tarball lacks. */
  missing: string[];
  /** The copy, for inspection; removed by `cleanup()`. */
  dir: string;
  cleanup(): void;
}

export interface DryRunOptions {
  /** Replace the pending changesets with these (file name → releases). */
  changesets?: Record<string, Record<string, Bump>>;
  /** Edit a copied package.json before versioning (to prove a check can fail). */
  edit?: (dir: string, manifest: Record<string, unknown>) => void;
  pack?: boolean;
}

export function dryRun(opts: DryRunOptions = {}): DryRunResult {
  const dir = mkdtempSync(join(tmpdir(), 'kmemsim-release-'));
  const cleanup = () => rmSync(dir, { recursive: true, force: true });
  try {
    copyWorkspace(dir);
    const csDir = join(dir, '.changeset');
    if (opts.changesets) {
      for (const f of readdirSync(csDir)) if (f.endsWith('.md')) rmSync(join(csDir, f));
      for (const [name, releases] of Object.entries(opts.changesets)) {
        const lines = Object.entries(releases).map(([pkg, bump]) => `"${pkg}": ${bump}`);
        writeFileSync(join(csDir, name), `---\n${lines.join('\n')}\n---\n\nDry-run scenario ${name}.\n`);
      }
    }
    if (opts.edit) {
      for (const { dir: pkgDir, manifest } of publishablePackages(dir)) {
        const m = manifest as unknown as Record<string, unknown>;
        opts.edit(pkgDir, m);
        writeFileSync(join(dir, pkgDir, 'package.json'), `${JSON.stringify(m, null, 2)}\n`);
      }
    }
    const declared = declaredBumps(readChangesets(csDir));
    const versions = (root: string) =>
      new Map(publishablePackages(root).map((p) => [p.manifest.name, p.manifest.version]));
    const before = versions(dir);
    execFileSync(join(ROOT, 'node_modules/.bin/changeset'), ['version'], { cwd: dir, stdio: 'pipe' });
    const after = versions(dir);
    const tarballs = new Map<string, string>();
    const missing: string[] = [];
    if (opts.pack) {
      const out = join(dir, '.tarballs');
      mkdirSync(out);
      for (const { dir: pkgDir, manifest } of publishablePackages(dir)) {
        const tgz = pack(dir, pkgDir, manifest, out);
        tarballs.set(manifest.name, tgz);
        const changed = before.get(manifest.name) !== manifest.version;
        for (const p of missingFiles(packedManifest(tgz), tarEntries(tgz), { changelog: changed }))
          missing.push(`${manifest.name}: ${p}`);
      }
    }
    return { before, after, surprises: surpriseMajors(before, after, declared), tarballs, missing, dir, cleanup };
  } catch (err) {
    cleanup();
    throw err;
  }
}
