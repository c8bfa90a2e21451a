// The `kmemsim …` command lines the docs show: in fenced blocks (a line starting `kmemsim ` or `$ kmemsim `) and in
// inline code spans. Placeholders (`<command>`) and elisions (`…`) are not command lines and are left out.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The repository root (apps/cli/src/testing → ../../../..). */
export const ROOT = new URL('../../../../', import.meta.url).pathname;

/** The markdown files whose examples a user would copy: root README, docs/, every package, app, tool and example. */
export function docFiles(): string[] {
  const files = ['README.md'];
  for (const f of readdirSync(join(ROOT, 'docs'))) if (f.endsWith('.md')) files.push(`docs/${f}`);
  for (const group of ['packages', 'apps', 'tools', 'examples']) {
    if (!existsSync(join(ROOT, group))) continue;
    for (const d of readdirSync(join(ROOT, group)))
      if (existsSync(join(ROOT, group, d, 'README.md'))) files.push(`${group}/${d}/README.md`);
  }
  return files;
}

/** One command line and where it is (`file:line`). */
export interface DocExample {
  where: string;
  line: string;
}

const SHELL = /^\s*(?:\$ )?(kmemsim [^#]*?)\s*(?:#.*)?$/;
const INLINE = /`(kmemsim [^`]+)`/g;

function isCommandLine(line: string): boolean {
  // `<command>` placeholders, elisions, and table titles of shown output ("kmemsim vmap-bench — arch …").
  return !/<[a-z-]+>|…|\.\.\.| — /.test(line);
}

/** The command lines of one markdown text. */
export function examplesOf(text: string, file: string): DocExample[] {
  const out: DocExample[] = [];
  let fenced = false;
  text.split('\n').forEach((l, i) => {
    if (/^```/.test(l)) {
      fenced = !fenced;
      return;
    }
    const where = `${file}:${i + 1}`;
    if (fenced) {
      const m = SHELL.exec(l);
      if (m && isCommandLine(m[1] as string)) out.push({ where, line: (m[1] as string).trim() });
      return;
    }
    for (const m of l.matchAll(INLINE)) if (isCommandLine(m[1] as string)) out.push({ where, line: m[1] as string });
  });
  return out;
}

/** Every command line of every doc file. */
export function docExamples(): DocExample[] {
  return docFiles().flatMap((f) => examplesOf(readFileSync(join(ROOT, f), 'utf8'), f));
}

/** Splits a shell command line into words (single and double quotes; no expansion). */
export function shellWords(line: string): string[] {
  const words: string[] = [];
  for (const m of line.matchAll(/"([^"]*)"|'([^']*)'|(\S+)/g)) words.push(m[1] ?? m[2] ?? (m[3] as string));
  return words;
}

/**
 * Shown outputs: what a command prints, right after a line ending in "`kmemsim …`:" — a bare fenced block, or, for
 * a `--format md` command, its Markdown unfenced (its title, then the table up to the first line not in it).
 * Returns the command line (without "kmemsim") and the shown text, per file.
 */
export function shownOutputs(text: string, file: string): { where: string; argv: string[]; shown: string }[] {
  const lines = text.split('\n');
  const out: { where: string; argv: string[]; shown: string }[] = [];
  for (let i = 0; i + 2 < lines.length; i++) {
    const m = /`kmemsim ([^`]+)`:\s*$/.exec(lines[i] as string);
    if (!m) continue;
    const argv = shellWords(m[1] as string);
    let j = i + 1;
    while (j < lines.length && (lines[j] as string).trim() === '') j++;
    const body: string[] = [];
    if (lines[j] === '```') {
      for (let k = j + 1; k < lines.length && lines[k] !== '```'; k++) body.push(lines[k] as string);
    } else if (argv.join(' ').includes('--format md')) {
      let inTable = false;
      for (let k = j; k < lines.length; k++) {
        const row = (lines[k] as string).startsWith('|');
        if (inTable && !row) break;
        inTable ||= row;
        body.push(lines[k] as string);
      }
    } else continue;
    out.push({ where: `${file}:${j + 1}`, argv, shown: `${body.join('\n')}\n` });
  }
  return out;
}
