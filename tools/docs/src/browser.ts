// Bundle a package entry for the browser with esbuild (platform=browser, from sources through the root tsconfig's
// paths) and report what stops it: an import of a Node built-in fails to resolve on that platform, and esbuild names
// the file and line that imports it.
import { build, type Message } from 'esbuild';
import { ROOT } from './entries.js';

/** The outcome of bundling one entry for the browser. */
export interface BrowserBundle {
  /** esbuild's errors, one line each (`file:line: text`); empty when the entry bundles. */
  errors: string[];
  /** Bundle size in bytes (minified), or 0 when it failed. */
  bytes: number;
  /** Node globals the bundle still uses (`process.env`, `Buffer.from`, `__dirname`): they bundle, then throw. */
  nodeGlobals: string[];
}

const NODE_GLOBAL = /\b(?:process\.[A-Za-z]+|Buffer\.[A-Za-z]+|__dirname|__filename)/g;

function line(m: Message): string {
  const at = m.location ? `${m.location.file}:${m.location.line}: ` : '';
  return `${at}${m.text}`;
}

/** Bundle `source` (a path relative to the root) as a browser ESM bundle, in memory. */
export async function bundleForBrowser(source: string): Promise<BrowserBundle> {
  try {
    const r = await build({
      absWorkingDir: ROOT,
      entryPoints: [source],
      bundle: true,
      platform: 'browser',
      format: 'esm',
      minify: true,
      write: false,
      logLevel: 'silent',
      tsconfig: 'tsconfig.json',
    });
    const text = r.outputFiles.map((f) => f.text).join('\n');
    const nodeGlobals = [...new Set(text.match(NODE_GLOBAL) ?? [])].sort();
    return { errors: [], bytes: text.length, nodeGlobals };
  } catch (e) {
    const errors = (e as { errors?: Message[] }).errors;
    if (!errors) throw e;
    return { errors: errors.map(line), bytes: 0, nodeGlobals: [] };
  }
}
