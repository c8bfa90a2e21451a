import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  declaredBumps,
  majorsOnZero,
  parseFrontMatter,
  readChangesets,
  surpriseMajors,
  unknownPackages,
} from './changesets.js';
import { changesetConfigProblems, metadataProblems } from './metadata.js';
import { missingFiles } from './tarball.js';
import { publishablePackages, ROOT, workspacePackages } from './workspace.js';

describe('release metadata', () => {
  const pkgs = publishablePackages();

  it('covers the ten library packages and the CLI', () => {
    expect(pkgs.map((p) => p.manifest.name).sort()).toEqual([
      '@kmemsim/arch-i386',
      '@kmemsim/arch-ia64',
      '@kmemsim/arch-s390',
      '@kmemsim/arch-x86_64',
      '@kmemsim/core',
      '@kmemsim/highmem',
      '@kmemsim/mmu',
      '@kmemsim/rmap',
      '@kmemsim/vmalloc',
      '@kmemsim/vmcore',
      'kmemsim',
    ]);
  });

  it('every published package has LICENSE, repository with directory, homepage, bugs, engines, keywords, ranges', () => {
    expect(metadataProblems(pkgs)).toEqual([]);
  });

  it('flags what a stranger would miss (a package without them)', () => {
    const bare = { dir: 'packages/nothing', manifest: { name: '@kmemsim/nothing', version: '0.1.0' } };
    const got = metadataProblems([bare]).join('\n');
    for (const what of ['LICENSE', 'repository', 'homepage', 'bugs.url', 'engines.node', 'publishConfig', 'keywords'])
      expect(got).toContain(what);
    const pinned = {
      dir: 'packages/arch-x',
      manifest: { ...pkgs[0].manifest, peerDependencies: { '@kmemsim/mmu': 'workspace:*' } },
    };
    expect(metadataProblems([pinned]).join('\n')).toMatch(/peerDependencies\.@kmemsim\/mmu is workspace:\*/);
  });

  it('changesets publish scoped packages publicly and bump peers only when out of range', () => {
    expect(changesetConfigProblems()).toEqual([]);
  });
});

describe('surprise majors', () => {
  const before = new Map([
    ['@kmemsim/mmu', '0.1.0'],
    ['@kmemsim/arch-i386', '0.1.0'],
    ['@kmemsim/core', '1.2.3'],
  ]);

  it('reads the bumps each changeset declares, keeping the largest per package', () => {
    const a = parseFrontMatter('---\n"@kmemsim/mmu": minor\n"kmemsim": patch\n---\n\ntext');
    const b = parseFrontMatter("---\n'@kmemsim/mmu': patch\n'@kmemsim/core': major\n---\n");
    expect(a).toEqual({ '@kmemsim/mmu': 'minor', kmemsim: 'patch' });
    const d = declaredBumps([
      { file: 'a.md', releases: a },
      { file: 'b.md', releases: b },
    ]);
    expect(Object.fromEntries(d)).toEqual({ '@kmemsim/mmu': 'minor', kmemsim: 'patch', '@kmemsim/core': 'major' });
    expect(() => parseFrontMatter('---\n"@kmemsim/mmu": huge\n---\n')).toThrow(/huge/);
  });

  it('fails a 0.x → 1.0.0 jump nobody declared, allows a declared one', () => {
    const after = new Map([
      ['@kmemsim/mmu', '0.2.0'],
      ['@kmemsim/arch-i386', '1.0.0'],
      ['@kmemsim/core', '2.0.0'],
    ]);
    const declared = new Map([
      ['@kmemsim/mmu', 'minor' as const],
      ['@kmemsim/core', 'major' as const],
    ]);
    expect(surpriseMajors(before, after, declared)).toEqual([
      '@kmemsim/arch-i386 0.1.0 → 1.0.0: a major bump no changeset asked for (declared: none)',
    ]);
  });
});

describe('tarball contents', () => {
  const manifest = {
    name: 'kmemsim',
    version: '0.1.0',
    exports: { '.': { import: { types: './dist/index.d.ts', default: './dist/index.js' } } },
    main: './dist/index.cjs',
    bin: { kmemsim: './dist/cli.js' },
    files: ['dist', 'schema', 'CHANGELOG.md'],
    dependencies: { '@kmemsim/core': 'workspace:^' },
  };

  it('names every missing file, empty files entry and unreplaced workspace range', () => {
    const entries = ['package.json', 'README.md', 'dist/index.js', 'dist/cli.js'];
    expect(missingFiles(manifest, entries, { changelog: true })).toEqual([
      'LICENSE (always shipped) is not in the tarball',
      'CHANGELOG.md (written by changeset version) is not in the tarball',
      'dist/index.d.ts (exports) is not in the tarball',
      'dist/index.cjs (main) is not in the tarball',
      'files entry "schema" matches nothing in the tarball',
      'files entry "CHANGELOG.md" matches nothing in the tarball',
      'dependencies.@kmemsim/core is still workspace:^',
    ]);
  });

  it('is silent for a complete tarball', () => {
    const ok = { ...manifest, files: ['dist'], dependencies: { '@kmemsim/core': '^0.1.0' } };
    const entries = [
      'package.json',
      'README.md',
      'LICENSE',
      'dist/index.js',
      'dist/index.d.ts',
      'dist/index.cjs',
      'dist/cli.js',
    ];
    expect(missingFiles(ok, entries, { changelog: false })).toEqual([]);
  });
});

// The long dry run catches a surprise 1.0.0 after `changeset version`; this catches the commonest cause in
// milliseconds, in `pnpm test`: a changeset line asking `major` for a 0.x package.
describe('pending changesets', () => {
  const versions = new Map(workspacePackages().map((p) => [p.manifest.name, p.manifest.version]));
  const pending = readChangesets(join(ROOT, '.changeset'));

  it('ask no major bump of a 0.x package and name only workspace packages', () => {
    expect(majorsOnZero(pending, versions)).toEqual([]);
    expect(unknownPackages(pending, versions)).toEqual([]);
  });

  it('flag a major on 0.x and a misspelt package, naming the file', () => {
    const cs = [
      { file: 'x.md', releases: { '@kmemsim/vmalloc': 'major' as const, '@kmemsim/vmaloc': 'patch' as const } },
    ];
    const v = new Map([
      ['@kmemsim/vmalloc', '0.1.0'],
      ['@kmemsim/core', '1.0.0'],
    ]);
    expect(majorsOnZero(cs, v)).toEqual([
      '.changeset/x.md: "@kmemsim/vmalloc": major would publish @kmemsim/vmalloc 1.0.0 from 0.1.0; use minor for a 0.x breaking change',
    ]);
    expect(majorsOnZero([{ file: 'y.md', releases: { '@kmemsim/core': 'major' } }], v)).toEqual([]);
    expect(unknownPackages(cs, v)).toEqual(['.changeset/x.md: "@kmemsim/vmaloc" is not a package of this workspace']);
  });
});
