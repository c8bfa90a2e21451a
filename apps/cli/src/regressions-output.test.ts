// Issue 15: output failures against the built binary — a full or closed stdout is one line and exit 1, and a
// vmcore-image that cannot finish (a file size limit, a small file system) leaves no partial file.
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CLI, runCliAsync } from './testing/run-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'kmemsim-issue15-out-'));

describe('issue 15: output failures and partial files', () => {
  it('6: a full stdout (/dev/full) is one line and exit 1, not a 22-line stack trace', async () => {
    if (!existsSync('/dev/full')) return;
    const fd = openSync('/dev/full', 'w');
    try {
      for (const args of [['arch', 'list'], ['checkpoint', '--size', '4MiB', '--format', 'json'], ['--help']]) {
        const r = await runCliAsync(args, { stdoutFd: fd });
        expect(r.code, args.join(' ')).toBe(1);
        expect(r.stderr.trim()).toBe('kmemsim: cannot write to stdout: ENOSPC');
      }
    } finally {
      closeSync(fd);
    }
  });

  it('6: a closed stdout (EPIPE) is one line and exit 1', () => {
    const r = spawnSync('sh', ['-c', `"${process.execPath}" "${CLI}" reproduce --format json | head -c 1 >/dev/null`], {
      encoding: 'utf8',
    });
    expect(r.stderr).not.toMatch(/Unhandled|\s+at .+:\d+:\d+/);
    if (r.stderr) expect(r.stderr.trim()).toBe('kmemsim: cannot write to stdout: EPIPE');
  });

  it.skipIf(process.platform !== 'linux')(
    '9: vmcore-image that cannot finish writing exits 1 and removes its partial file',
    () => {
      const out = join(dir, 'partial.vmcore');
      const r = spawnSync(
        'sh',
        [
          '-c',
          `ulimit -f 2048; exec "${process.execPath}" "${CLI}" vmcore-image --mem 64MiB --profile busy-server --out "${out}"`,
        ],
        { encoding: 'utf8' },
      );
      expect(r.status, r.stderr).toBe(1);
      expect(r.stderr.trim()).toMatch(
        /^kmemsim: --out: cannot write .*partial\.vmcore: EFBIG \(the partial file is removed\)$/,
      );
      expect(existsSync(out)).toBe(false);
    },
  );

  // A small tmpfs (root with mount rights only): vmcore-image refuses before writing when the image cannot fit.
  const tmpfs = (() => {
    if (process.platform !== 'linux' || process.getuid?.() !== 0) return undefined;
    const mnt = mkdtempSync(join(tmpdir(), 'kmemsim-tmpfs-'));
    return spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=4m', 'tmpfs', mnt]).status === 0 ? mnt : undefined;
  })();
  afterAll(() => {
    if (tmpfs) spawnSync('umount', [tmpfs]);
  });
  it.skipIf(!tmpfs)('9: vmcore-image checks free space first (exit 1, nothing written)', async () => {
    const out = join(tmpfs as string, 'v');
    const r = await runCliAsync(['vmcore-image', '--mem', '256MiB', '--profile', 'busy-server', '--out', out]);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr.trim()).toMatch(/--out: .* needs about .* of disk, and its file system has .* free$/);
    expect(existsSync(out)).toBe(false);
  });
});
