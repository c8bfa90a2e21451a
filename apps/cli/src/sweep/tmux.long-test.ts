// Must show, in a real terminal (tmux, 100 columns): Ctrl-C in a sweep leaves the terminal as it was (auto-wrap
// on) and prints how many points were saved and how to resume; tables fit the 100 columns. Skips without tmux.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLI, REPO } from '../testing/run-cli.js';

const TMUX = ['/usr/bin/tmux', '/usr/local/bin/tmux'].find((p) => existsSync(p));
const WIDTH = 100;

function tmux(sock: string, ...args: string[]): string {
  const r = spawnSync(TMUX as string, ['-L', sock, '-f', '/dev/null', ...args], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`tmux ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(what: string, ok: () => boolean, ms = 240_000): Promise<void> {
  for (const end = Date.now() + ms; Date.now() < end; await sleep(200)) if (ok()) return;
  throw new Error(`timed out waiting for ${what}`);
}

/** Runs `argv` (a kmemsim command line) in a fresh 100-column tmux pane that stays after the command exits. */
function pane(sock: string, argv: string[]): void {
  const q = (a: string) => `'${a.replace(/'/g, `'\\''`)}'`;
  // bash waits for kmemsim and says how it exited (kmemsim exits 130 on SIGINT by itself: bash goes on).
  const cmd = `${[process.execPath, CLI, ...argv].map(q).join(' ')}; echo "[exit $?]"`;
  tmux(
    sock,
    'new-session',
    '-d',
    '-s',
    'k',
    '-x',
    String(WIDTH),
    '-y',
    '50',
    '-c',
    REPO,
    `env -u NO_COLOR TERM=xterm-256color bash -c ${q(cmd)}`,
    ';',
    'set-option',
    '-t',
    'k',
    'remain-on-exit',
    'on',
  );
}

const dead = (sock: string) => tmux(sock, 'display', '-p', '-t', 'k', '#{pane_dead}').trim() === '1';
/** The pane's text with wrapped lines joined back: a line longer than the pane shows up longer than 100. */
const screen = (sock: string) => tmux(sock, 'capture-pane', '-p', '-J', '-S', '-', '-t', 'k');

describe.skipIf(!TMUX)('under tmux (100 columns)', () => {
  it('Ctrl-C in a sweep: auto-wrap still on, "N of M points saved; rerun the same command to resume"', async () => {
    const d = mkdtempSync(join(tmpdir(), 'kmemsim-tmux-'));
    const grid = join(d, 'grid.json');
    const out = join(d, 'out.jsonl');
    // Every loop simulated (--exact on): seconds per point, so Ctrl-C lands in the middle of the sweep.
    writeFileSync(
      grid,
      JSON.stringify({
        command: 'vmap-bench',
        base: { arch: 'x86_64', cpus: 8, iterations: 5000, exact: 'on' },
        grid: { threads: [1, 2, 4, 8], impl: ['2.6.27', '2.6.28', 'percpu'] },
        seeds: [1, 2, 3],
      }),
    );
    const sock = `kmemsim-test-${process.pid}`;
    try {
      pane(sock, ['sweep', grid, '--out', out]);
      await until('a saved point', () => existsSync(out) && readFileSync(out, 'utf8').includes('{"index"'));
      expect(dead(sock)).toBe(false);
      tmux(sock, 'send-keys', '-t', 'k', 'C-c');
      await until('the sweep to exit', () => dead(sock), 30_000);
      const text = screen(sock);
      expect(tmux(sock, 'display', '-p', '-t', 'k', '#{wrap_flag}').trim()).toBe('1');
      // Point lines only: the first line of --out is the sweep's header (grid fingerprint, shard).
      const saved = readFileSync(out, 'utf8')
        .split('\n')
        .filter((l) => l.startsWith('{"index"')).length;
      expect(saved).toBeGreaterThan(0);
      expect(saved).toBeLessThan(36);
      expect(text).toMatch(/(\d+) of 36 points saved in .*; rerun the same command to resume/);
      expect(Number(/(\d+) of 36 points saved/.exec(text)?.[1])).toBe(saved);
      expect(text).toContain('[exit 130]');
      // The progress display is cut to the terminal (no line of it wraps); the messages are prose and may.
      const bars = text.split('\n').filter((l) => / points \| /.test(l));
      for (const line of bars) expect(line.length, line).toBeLessThanOrEqual(WIDTH);
    } finally {
      spawnSync(TMUX as string, ['-L', sock, 'kill-server']);
    }
  }, 300_000);

  for (const argv of [
    ['arch', 'show', 'x86_64'],
    ['arch', 'list'],
    [
      'vmap-bench',
      '--arch',
      'x86_64',
      '--cpus',
      '8',
      '--threads',
      '1,8',
      '--impl',
      '2.6.27,2.6.28,percpu',
      '--iterations',
      '300',
    ],
    ['checkpoint', '--arch', 'i386', '--size', '16MiB'],
    ['vmcore-dump', '--arch', 's390', '--mem', '256MiB', '--dump-level', '0,31', '--access', 'read,mmap'],
    ['rmap-fork', '--arch', 'i386-piii', '--pages', '256', '--children', '2'],
  ])
    it(`kmemsim ${argv.join(' ')}: every table line fits ${WIDTH} columns`, async () => {
      const sock = `kmemsim-test-${process.pid}-${argv[0]}-${argv[1]}`;
      try {
        pane(sock, argv);
        // tmux may mark the pane dead before it has drawn the last of a long output (seen under load: the capture
        // stopped mid-table, '[exit 0]' not yet drawn), so wait for bash's exit line, not only the pane's death.
        await until('the command to exit', () => dead(sock) && screen(sock).includes('[exit '));
        const text = screen(sock);
        expect(text).toContain('[exit 0]');
        // Table lines (borders and rows); notes under a table are prose and may wrap.
        const rows = text.split('\n').filter((l) => /[│┌├└─]/.test(l));
        expect(rows.length).toBeGreaterThan(3);
        for (const line of rows) expect(line.length, line).toBeLessThanOrEqual(WIDTH);
      } finally {
        spawnSync(TMUX as string, ['-L', sock, 'kill-server']);
      }
    }, 300_000);
});
