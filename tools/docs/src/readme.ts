// README code blocks as tests: every ```ts block of a package README is extracted and run; a block that prints
// (console.log) and is followed by a bare ``` block (at once or after an "Output:" line) must print exactly that block. A block that cannot run alone
// (it imports the reader's own file) says so on the line before its fence: `<!-- readme-test: skip — why -->`.
import { readFileSync } from 'node:fs';

/** One TypeScript code block of a README. */
export interface ReadmeBlock {
  /** README path relative to the root (`packages/mmu/README.md`). */
  readme: string;
  /** 1-based line of the opening fence. */
  line: number;
  /** The block's source. */
  code: string;
  /** What the block must print, when it prints and a bare output block follows it. */
  expected?: string;
  /** Why the block is not run, from its skip marker. */
  skip?: string;
}

const SKIP = /^<!--\s*readme-test:\s*skip\s*[—-]+\s*(.+?)\s*-->$/;

/** The ```ts / ```typescript blocks of one README's text. */
export function readmeBlocks(text: string, readme: string): ReadmeBlock[] {
  const lines = text.split('\n');
  const fences: { line: number; lang: string; body: string[] }[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^```(\w*)\s*$/.exec(lines[i] as string);
    if (!open) continue;
    const body: string[] = [];
    let j = i + 1;
    while (j < lines.length && !/^```\s*$/.test(lines[j] as string)) body.push(lines[j++] as string);
    fences.push({ line: i + 1, lang: open[1] ?? '', body });
    i = j;
  }
  const out: ReadmeBlock[] = [];
  fences.forEach((f, k) => {
    if (f.lang !== 'ts' && f.lang !== 'typescript') return;
    const code = f.body.join('\n');
    const block: ReadmeBlock = { readme, line: f.line, code };
    const next = fences[k + 1];
    const between = lines
      .slice(f.line + f.body.length + 1, next ? next.line - 1 : 0)
      .join('')
      .trim();
    // The output block follows at once, or after a lead-in line ending in a colon ("Output:").
    if (/\bconsole\.log\(/.test(code) && next && next.lang === '' && (between === '' || /:$/.test(between))) {
      block.expected = `${next.body.join('\n')}\n`;
    }
    const skip = SKIP.exec((lines[f.line - 2] ?? '').trim());
    if (skip) block.skip = skip[1];
    out.push(block);
  });
  return out;
}

/** The blocks of a README file. */
export function readmeFileBlocks(file: string, readme: string): ReadmeBlock[] {
  return readmeBlocks(readFileSync(file, 'utf8'), readme);
}
