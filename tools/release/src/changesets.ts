// Pending changesets and what `changeset version` made of them: a package may take a major bump only when a
// changeset asks for one. Anything else (an exact or caret-on-0.x peer range dragging a dependent to 1.0.0) is a
// surprise that must fail the release.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export type Bump = 'major' | 'minor' | 'patch';
const RANK: Record<Bump | 'none', number> = { none: 0, patch: 1, minor: 2, major: 3 };

export interface Changeset {
  file: string;
  releases: Record<string, Bump>;
}

/** Parses `.changeset/*.md` front matter (`"name": bump` lines between `---` fences). */
export function readChangesets(dir: string): Changeset[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.md') && f !== 'README.md')
    .sort()
    .map((file) => ({ file, releases: parseFrontMatter(readFileSync(join(dir, file), 'utf8'), file) }));
}

export function parseFrontMatter(text: string, file = '(changeset)'): Record<string, Bump> {
  const m = /^---\r?\n([\s\S]*?)\r?\n---/.exec(text);
  if (!m) throw new Error(`${file}: no front matter`);
  const releases: Record<string, Bump> = {};
  for (const line of m[1].split(/\r?\n/).filter((l) => l.trim())) {
    const r = /^\s*["']?([^"':]+)["']?\s*:\s*(major|minor|patch)\s*$/.exec(line);
    if (!r) throw new Error(`${file}: cannot read release line ${JSON.stringify(line)}`);
    releases[r[1]] = r[2] as Bump;
  }
  return releases;
}

/** The largest bump each package is given by any changeset. */
export function declaredBumps(changesets: Changeset[]): Map<string, Bump> {
  const out = new Map<string, Bump>();
  for (const c of changesets)
    for (const [name, bump] of Object.entries(c.releases)) {
      const prev = out.get(name);
      if (!prev || RANK[bump] > RANK[prev]) out.set(name, bump);
    }
  return out;
}

function major(version: string): number {
  const m = /^(\d+)\.\d+\.\d+/.exec(version);
  if (!m) throw new Error(`not a version: ${version}`);
  return Number(m[1]);
}

/** One message per package whose major version rose although no changeset asked for a major bump. */
export function surpriseMajors(
  before: Map<string, string>,
  after: Map<string, string>,
  declared: Map<string, Bump>,
): string[] {
  const out: string[] = [];
  for (const [name, old] of before) {
    const now = after.get(name);
    if (!now || major(now) <= major(old) || declared.get(name) === 'major') continue;
    out.push(
      `${name} ${old} → ${now}: a major bump no changeset asked for (declared: ${declared.get(name) ?? 'none'})`,
    );
  }
  return out;
}

/**
 * One message per changeset that asks for `major` on a package still at 0.x. Under semver a 0.x breaking change is
 * a minor bump (0.1 → 0.2); `major` would publish 1.0.0, a stability promise nobody made in a changeset line.
 */
export function majorsOnZero(changesets: Changeset[], versions: Map<string, string>): string[] {
  const out: string[] = [];
  for (const c of changesets)
    for (const [name, bump] of Object.entries(c.releases)) {
      const version = versions.get(name);
      if (bump !== 'major' || version === undefined || major(version) !== 0) continue;
      out.push(
        `.changeset/${c.file}: "${name}": major would publish ${name} 1.0.0 from ${version}; use minor for a 0.x breaking change`,
      );
    }
  return out;
}

/** One message per changeset line naming a package that is not in the workspace (a typo publishes nothing). */
export function unknownPackages(changesets: Changeset[], versions: Map<string, string>): string[] {
  return changesets.flatMap((c) =>
    Object.keys(c.releases)
      .filter((name) => !versions.has(name))
      .map((name) => `.changeset/${c.file}: "${name}" is not a package of this workspace`),
  );
}
