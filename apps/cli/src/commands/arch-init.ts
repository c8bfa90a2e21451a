// `kmemsim arch init <name>`: writes a starter arch-plugin package (profile with every field and a source slot,
// the conformance test, a README) that passes the kit once its numbers are filled in.
import { existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import mmuManifest from '@kmemsim/mmu/package.json';
import { BUILTIN_ARCHES } from '../framework/arches.js';
import { defineAction } from '../framework/define.js';
import { badValue, UsageError } from '../framework/errors.js';
import { text } from '../framework/options.js';
import { archInitFiles } from '../plugins/init.js';
import { isPackageName } from '../plugins/resolve.js';

const ARCH_NAME = /^[a-z0-9][a-z0-9_.-]*$/;

export const archInitCommand = defineAction({
  kind: 'action',
  name: 'arch init',
  summary: 'write a starter arch plugin package: every profile field, its source slot, the conformance test',
  examples: [
    'kmemsim arch init riscv64',
    'kmemsim arch init riscv64 --dir plugins/riscv64 --package @acme/arch-riscv64',
  ],
  options: {
    name: text({
      description: 'the arch name (lowercase letters, digits, _ . -), not a built-in one',
      positional: true,
      required: true,
      placeholder: '<name>',
      maxLength: 64,
    }),
    dir: text({
      description: 'folder to create (default: ./kmemsim-arch-<name>)',
      placeholder: '<dir>',
      maxLength: 4096,
    }),
    package: text({
      description: 'npm package name (default: kmemsim-arch-<name>)',
      placeholder: '<name>',
      maxLength: 214,
    }),
  },
  async run(o, ctx) {
    if (!ARCH_NAME.test(o.name)) throw badValue('arch init', o.name, 'an arch name: lowercase letters, digits, _ . -');
    if ((BUILTIN_ARCHES as readonly string[]).includes(o.name))
      throw badValue('arch init', o.name, `a name that is not a built-in arch (${BUILTIN_ARCHES.join(', ')})`);
    const packageName = o.package ?? `kmemsim-arch-${o.name}`;
    if (!isPackageName(packageName)) throw badValue('--package', packageName, 'an npm package name');
    const dir = resolve(o.dir ?? `kmemsim-arch-${o.name}`);
    if (existsSync(dir) && !statSync(dir).isDirectory())
      throw new UsageError(`--dir: ${dir} exists and is not a folder; choose another folder`);
    if (existsSync(dir) && readdirSync(dir).length > 0)
      throw new UsageError(`--dir: ${dir} exists and is not empty; choose another folder`);
    const files = archInitFiles({
      name: o.name,
      packageName,
      mmuRange: `^${mmuManifest.version}`,
      vitestRange: `^${mmuManifest.devDependencies.vitest.replace(/^[^\d]*/, '')}`,
    });
    makeDirs(dir);
    for (const [f, body] of Object.entries(files)) {
      try {
        writeFileSync(join(dir, f), body);
      } catch (err) {
        const why = `writing ${f}: ${(err as NodeJS.ErrnoException).code ?? err}`;
        throw badValue('--dir', dir, `a folder files can be written to (${why})`);
      }
    }
    await ctx.out(
      `wrote ${packageName} in ${dir}: ${Object.keys(files).join(', ')}\n` +
        `next: cd ${dir} && npm install, fill in every TODO in index.mjs, npm test (the conformance kit)\n`,
    );
    return 0;
  },
});

/**
 * mkdir -p, one level at a time from the deepest folder that exists: Node 20's recursive mkdirSync never returns
 * under a file system that refuses mkdir with ENOENT (/proc/x spins at 100 % CPU), and a refusal becomes one line.
 */
function makeDirs(dir: string): void {
  const missing: string[] = [];
  for (let d = dir; !existsSync(d); d = dirname(d)) {
    missing.unshift(d);
    if (dirname(d) === d) break;
  }
  for (const d of missing) {
    try {
      mkdirSync(d);
    } catch (err) {
      const why = `mkdir ${d}: ${(err as NodeJS.ErrnoException).code ?? err}`;
      throw badValue('--dir', dir, `a folder that can be created (${why})`);
    }
  }
}
