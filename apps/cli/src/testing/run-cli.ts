// Runs the built kmemsim binary as a user would (tests run after `pnpm build`, as `pnpm test` does): one at a time
// (runCli), or many at once with a bounded number in flight (runMany), each with its peak RSS.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const CLI = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));
export const REPO = fileURLToPath(new URL('../../../../', import.meta.url));
const PRELOAD = fileURLToPath(new URL('./rss-preload.cjs', import.meta.url));

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
  /** Peak resident set of the process, in MiB (0 when the process died before reporting it). */
  rssMiB: number;
}

export interface CliOptions {
  cwd?: string;
  env?: Record<string, string>;
  /** Feeds stdin; default: none (stdin is /dev/null). */
  input?: string;
  /** Where stdout goes: captured (default) or a file descriptor such as /dev/full's. */
  stdoutFd?: number;
  timeoutMs?: number;
}

function ensureBuilt(): void {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`pnpm build\` first (pnpm test does)`);
}

const rssDir = mkdtempSync(join(tmpdir(), 'kmemsim-rss-'));
let rssSeq = 0;

function envFor(o: CliOptions, rssFile: string): NodeJS.ProcessEnv {
  return { ...process.env, NO_COLOR: '1', KMEMSIM_TEST_RSS_FILE: rssFile, ...o.env };
}

function readRss(file: string): number {
  try {
    const kb = Number(readFileSync(file, 'utf8'));
    rmSync(file, { force: true });
    return Math.round(kb / 1024);
  } catch {
    return 0;
  }
}

export function runCli(args: string[], o: CliOptions = {}): CliResult {
  ensureBuilt();
  const rssFile = join(rssDir, `${process.pid}-${rssSeq++}`);
  const r = spawnSync(process.execPath, ['--require', PRELOAD, CLI, ...args], {
    cwd: o.cwd ?? REPO,
    encoding: 'utf8',
    env: envFor(o, rssFile),
    input: o.input,
    stdio: ['pipe', o.stdoutFd ?? 'pipe', 'pipe'],
    maxBuffer: 64 * 2 ** 20,
    timeout: o.timeoutMs,
  });
  return { code: r.status ?? -1, stdout: r.stdout ?? '', stderr: r.stderr ?? '', rssMiB: readRss(rssFile) };
}

export function runCliAsync(args: string[], o: CliOptions = {}): Promise<CliResult> {
  ensureBuilt();
  const rssFile = join(rssDir, `${process.pid}-${rssSeq++}`);
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--require', PRELOAD, CLI, ...args], {
      cwd: o.cwd ?? REPO,
      env: envFor(o, rssFile),
      stdio: [o.input === undefined ? 'ignore' : 'pipe', o.stdoutFd ?? 'pipe', 'pipe'],
      timeout: o.timeoutMs,
    });
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (b: Buffer) => {
      if (stdout.length < 64 * 2 ** 20) stdout += b.toString();
    });
    child.stderr?.on('data', (b: Buffer) => {
      stderr += b.toString();
    });
    if (o.input !== undefined) child.stdin?.end(o.input);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr, rssMiB: readRss(rssFile) }));
  });
}

/** Maps `f` over `items`, at most `parallel` calls in flight at once; results in the same order. */
export async function inPool<T, R>(items: readonly T[], parallel: number, f: (x: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const lane = async () => {
    for (let i = next++; i < items.length; i = next++) out[i] = await f(items[i]);
  };
  await Promise.all(Array.from({ length: Math.min(parallel, items.length) }, lane));
  return out;
}

/** Runs every command line, at most `parallel` at a time; results in the same order. */
export function runMany(cases: readonly string[][], o: CliOptions = {}, parallel = Math.max(2, cpus().length)) {
  return inPool(cases, parallel, (args) => runCliAsync(args, o));
}

/** Whether `cmd` exists on this machine. */
export const have = (cmd: string) => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
