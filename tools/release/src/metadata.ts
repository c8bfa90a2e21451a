// Release metadata every published package needs, checked against the root manifest (the one place the repository
// URL and the Node range are written). Returns problems as "dir: what is wrong" lines.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Manifest, ROOT, readManifest, type WorkspacePackage } from './workspace.js';

const INTERNAL = /^(@kmemsim\/|kmemsim$)/;

/** `git+https://host/org/repo.git` → `https://host/org/repo`. */
export function repoWebUrl(gitUrl: string): string {
  return gitUrl.replace(/^git\+/, '').replace(/\.git$/, '');
}

export function metadataProblems(pkgs: WorkspacePackage[], root = ROOT): string[] {
  const rootManifest = readManifest(join(root, 'package.json'));
  const repoUrl = rootManifest.repository?.url;
  if (!repoUrl) return ['package.json (root): repository.url is the one place the repository is named; it is missing'];
  const web = repoWebUrl(repoUrl);
  const license = readFileSync(join(root, 'LICENSE'), 'utf8');
  const out: string[] = [];
  for (const { dir, manifest: m } of pkgs) {
    const bad = (what: string) => out.push(`${dir}: ${what}`);
    const licenseFile = join(root, dir, 'LICENSE');
    if (!existsSync(licenseFile)) bad('LICENSE is missing (copy the root LICENSE)');
    else if (readFileSync(licenseFile, 'utf8') !== license) bad('LICENSE differs from the root LICENSE');
    if (m.license !== rootManifest.license) bad(`license is ${m.license}, the root says ${rootManifest.license}`);
    if (!m.description?.trim()) bad('description is empty');
    if (!m.keywords?.includes('kmemsim') || m.keywords.length < 3)
      bad('keywords: at least three, "kmemsim" among them');
    const r = m.repository;
    if (r?.type !== 'git' || r.url !== repoUrl || r.directory !== dir)
      bad(`repository must be { type: git, url: ${repoUrl}, directory: ${dir} }`);
    if (m.homepage !== `${web}/tree/main/${dir}#readme`) bad(`homepage must be ${web}/tree/main/${dir}#readme`);
    if (m.bugs?.url !== `${web}/issues`) bad(`bugs.url must be ${web}/issues`);
    if (m.engines?.node !== rootManifest.engines?.node) bad(`engines.node must be ${rootManifest.engines?.node}`);
    if (m.publishConfig?.access !== 'public') bad('publishConfig.access must be public (scoped packages)');
    if (!m.files?.includes('CHANGELOG.md')) bad('files must list CHANGELOG.md (written by changeset version)');
    out.push(...rangeProblems(dir, m));
  }
  return out;
}

/** Internal dependencies follow `workspace:^`; internal peers `workspace:^0` until 1.0 (see docs/releasing.md). */
function rangeProblems(dir: string, m: Manifest): string[] {
  const out: string[] = [];
  for (const field of ['dependencies', 'devDependencies'] as const)
    for (const [dep, range] of Object.entries(m[field] ?? {}))
      if (INTERNAL.test(dep) && range !== 'workspace:^')
        out.push(`${dir}: ${field}.${dep} is ${range}, use workspace:^`);
  for (const [dep, range] of Object.entries(m.peerDependencies ?? {}))
    if (INTERNAL.test(dep) && !/^workspace:\^\d*$/.test(range))
      out.push(`${dir}: peerDependencies.${dep} is ${range}, use a caret range (workspace:^0 before 1.0)`);
  return out;
}

export function changesetConfigProblems(root = ROOT): string[] {
  const c = JSON.parse(readFileSync(join(root, '.changeset/config.json'), 'utf8'));
  const out: string[] = [];
  if (c.access !== 'public') out.push('.changeset/config.json: access must be public');
  if (c.___experimentalUnsafeOptions_WILL_CHANGE_IN_PATCH?.onlyUpdatePeerDependentsWhenOutOfRange !== true)
    out.push(
      '.changeset/config.json: onlyUpdatePeerDependentsWhenOutOfRange must be on (else any minor peer bump is major)',
    );
  return out;
}
