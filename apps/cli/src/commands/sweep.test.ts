import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readPoints as readLines } from '../sweep/format.js';
import { compileSweep, parseShard, point } from '../sweep/spec.js';
import { cli } from '../testing/in-process.js';
import { CLI, runCli } from '../testing/run-cli.js';

const SPEC = `command: checkpoint
base: { arch: i386, virt: kvm-shadow, pae: on }
grid:
  size: [8MiB, 16MiB, 24MiB]
  map: [kmap, kmap_atomic, kmap_local]
seeds: [1, 2]
`;

/** The lock names its holder: a sweep paused between creating the lock and writing its name would look stale. */
function holds(lock: string): boolean {
  try {
    return statSync(lock).size > 0;
  } catch {
    return false; // not there (yet, or any more)
  }
}

function dir(): string {
  const d = mkdtempSync(join(tmpdir(), 'kmemsim-sweep-'));
  writeFileSync(join(d, 's.yaml'), SPEC);
  return d;
}

describe('sweep spec', () => {
  it('numbers points: axes in order, seeds slowest; each point carries typed values', () => {
    const s = compileSweep(
      {
        command: 'vmap-bench',
        base: { arch: 'x86_64' },
        grid: { pages: [1, 2], impl: ['legacy', 'lazy'] },
        seeds: [7, 8],
      },
      'test',
    );
    expect(s.total).toBe(8);
    expect(point(s, 1)).toEqual({ index: 1, seed: 7, options: { arch: 'x86_64', pages: 2 - 1, impl: ['lazy'] } });
    expect(point(s, 2).options).toEqual({ arch: 'x86_64', pages: 2, impl: ['legacy'] });
    expect(point(s, 4).seed).toBe(8);
  });
  it('takes the shard from --shard or from Kubernetes Indexed Job variables', () => {
    expect(parseShard('1/3', {})).toEqual({ index: 1, count: 3 });
    expect(parseShard(undefined, { JOB_COMPLETION_INDEX: '2', JOB_COMPLETIONS: '4' })).toEqual({ index: 2, count: 4 });
    expect(parseShard(undefined, {})).toEqual({ index: 0, count: 1 });
    expect(() => parseShard('3/3', {})).toThrow(/--shard/);
    expect(() => parseShard(undefined, { JOB_COMPLETION_INDEX: '5', JOB_COMPLETIONS: '4' })).toThrow(
      /JOB_COMPLETION_INDEX/,
    );
  });
});

describe('kmemsim sweep / merge (built binary)', () => {
  it('same merged bytes with 1 or 2 workers and with 1 or 3 shards', () => {
    const d = dir();
    const s = join(d, 's.yaml');
    expect(runCli(['sweep', s, '--out', join(d, 'w1.jsonl')]).code).toBe(0);
    expect(runCli(['sweep', s, '--out', join(d, 'w2.jsonl'), '--workers', '2']).code).toBe(0);
    for (const i of [0, 1, 2])
      expect(runCli(['sweep', s, '--out', join(d, `s${i}.jsonl`), '--shard', `${i}/3`]).code).toBe(0);
    const m1 = runCli(['merge', join(d, 'w1.jsonl')]).stdout;
    expect(m1.trim().split('\n')).toHaveLength(19); // the header and 18 points
    expect(runCli(['merge', join(d, 'w2.jsonl')]).stdout).toBe(m1);
    expect(runCli(['merge', ...[0, 1, 2].map((i) => join(d, `s${i}.jsonl`))]).stdout).toBe(m1);
    // A rerun skips everything already done.
    expect(runCli(['sweep', s, '--out', join(d, 'w1.jsonl')]).stderr).toMatch(/18 already done, 0 run/);
  });

  it('a run killed with SIGKILL loses no finished point and resumes to the same result', async () => {
    const d = dir();
    const s = join(d, 's.yaml');
    const out = join(d, 'k.jsonl');
    const child = spawn(process.execPath, [CLI, 'sweep', s, '--out', out], { stdio: 'ignore' });
    await new Promise<void>((resolve) => {
      const poll = setInterval(() => {
        if (existsSync(out) && readFileSync(out, 'utf8').split('\n').length > 4) {
          clearInterval(poll);
          child.kill('SIGKILL');
          resolve();
        }
      }, 5);
    });
    await new Promise((r) => child.on('exit', r));
    const before = readLines(out);
    expect(before.length).toBeGreaterThanOrEqual(3);
    expect(runCli(['sweep', s, '--out', out]).code).toBe(0);
    const idx = readLines(out).map((l) => l.index);
    expect(idx.length).toBe(18);
    expect(new Set(idx).size).toBe(18);
    const clean = join(d, 'clean.jsonl');
    runCli(['sweep', s, '--out', clean]);
    expect(runCli(['merge', out]).stdout).toBe(runCli(['merge', clean]).stdout);
  });

  it('rejects malformed sweep files in one line with the dot path, exit 2', async () => {
    const d = dir();
    const cases: [string, RegExp][] = [
      ['command: checkpoint\ngrid: { map: kmap }\n', /grid\.map: .*expected array/],
      ['grid: { map: [kmap] }\n', /command: required/],
      ['command: nope\ngrid: { map: [kmap] }\n', /command: "nope" is not a simulation command/],
      ['command: checkpoint\ngrid: { mapp: [kmap] }\n', /grid\.mapp: not an option of checkpoint/],
      ['command: checkpoint\ngrid: { seed: [1] }\n', /grid\.seed: set by sweep itself/],
      ['command: checkpoint\ngrid: { map: [] }\n', /grid\.map: needs at least one value/],
      ['command: [checkpoint\n', /not valid YAML/],
      ['command: checkpoint\ngrid: { map: [kmap] }\nextra: 1\n', /Unrecognized key/],
    ];
    // In-process (the same main() the binary runs); the first case also through the built binary, for its exit code.
    for (const [text, re] of cases) {
      writeFileSync(join(d, 'b.yaml'), text);
      const r = await cli(['sweep', join(d, 'b.yaml'), '--out', join(d, 'o.jsonl')]);
      expect(r.code, text).toBe(2);
      expect(r.err.trim().split('\n'), text).toHaveLength(1);
      expect(r.err, text).toMatch(re);
    }
    writeFileSync(join(d, 'b.yaml'), cases[0][0]);
    const bin = runCli(['sweep', join(d, 'b.yaml'), '--out', join(d, 'o.jsonl')]);
    expect([bin.code, bin.stderr.trim().split('\n').length]).toEqual([2, 1]);
    expect(bin.stderr).toMatch(cases[0][1]);
  });

  it('started twice on one file: the second exits 2 naming the first; every point exactly once', async () => {
    const d = dir();
    const s = join(d, 's.yaml');
    // The first sweep can finish all 18 points between the lock poll and SIGSTOP on an idle core: then the pause
    // caught nothing, so start over on a fresh file until the first is paused while it holds the lock.
    let out = '';
    let first: ReturnType<typeof spawn> | undefined;
    let exited: Promise<number | null> = Promise.resolve(null);
    for (let attempt = 0; attempt < 10 && !first; attempt++) {
      out = join(d, `twice-${attempt}.jsonl`);
      const p = spawn(process.execPath, [CLI, 'sweep', s, '--out', out], { stdio: 'ignore' });
      let done = false;
      const ex = new Promise<number | null>((r) =>
        p.on('exit', (c) => {
          done = true;
          r(c);
        }),
      );
      await new Promise<void>((resolve) => {
        const poll = setInterval(() => {
          if (holds(`${out}.lock`) || done) {
            clearInterval(poll);
            resolve();
          }
        }, 5);
      });
      p.kill('SIGSTOP'); // the first holds the file, paused mid-sweep
      if (!done && holds(`${out}.lock`)) {
        first = p;
        exited = ex;
      } else {
        p.kill('SIGCONT');
        await ex;
      }
    }
    if (!first) throw new Error('the first sweep never held its lock long enough to be paused (10 attempts)');
    const second = runCli(['sweep', s, '--out', out]);
    first.kill('SIGCONT');
    expect(second.code).toBe(2);
    expect(second.stderr).toMatch(/^kmemsim: --out: .* is being written by another sweep \(pid \d+ on .*\)/);
    expect(second.stderr.trim().split('\n')).toHaveLength(1);
    expect(await exited).toBe(0);
    const idx = readLines(out).map((l) => l.index);
    expect(idx.sort((a, b) => a - b)).toEqual(Array.from({ length: 18 }, (_, i) => i));
  });

  it.skipIf(process.platform !== 'linux')(
    'a file size limit (EFBIG after a short write): exit 1 in one line, nothing torn; a rerun completes exactly once',
    () => {
      const d = dir();
      const s = join(d, 's.yaml');
      const out = join(d, 'limited.jsonl');
      // ulimit -f counts 1024-byte blocks: room for the header and a few points.
      const r = spawnSync(
        'sh',
        ['-c', `ulimit -f 160; exec "${process.execPath}" "${CLI}" sweep "${s}" --out "${out}"`],
        {
          encoding: 'utf8',
        },
      );
      expect(r.status, r.stderr).toBe(1);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(/cannot append to .* \(EFBIG\); it holds every point finished so far: rerun to resume/);
      const partial = readLines(out).length;
      expect(partial).toBeGreaterThan(0);
      expect(partial).toBeLessThan(18);
      expect(readFileSync(out, 'utf8').endsWith('\n')).toBe(true);
      expect(runCli(['sweep', s, '--out', out]).code).toBe(0);
      const idx = readLines(out).map((l) => l.index);
      expect(idx.sort((a, b) => a - b)).toEqual(Array.from({ length: 18 }, (_, i) => i));
    },
  );

  // A real full disk: a small tmpfs (needs root and mount rights; skipped, saying why, where there are none), with
  // room for all 18 points once the filler goes (a checkpoint point is ~13 KB: its params carry every source).
  const tmpfs = (() => {
    if (process.platform !== 'linux' || process.getuid?.() !== 0) return undefined;
    const mnt = mkdtempSync(join(tmpdir(), 'kmemsim-tmpfs-'));
    const r = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=512k', 'tmpfs', mnt]);
    return r.status === 0 ? mnt : undefined;
  })();
  afterAll(() => {
    if (tmpfs) spawnSync('umount', [tmpfs]);
  });
  it.skipIf(!tmpfs)(
    'a real disk that fills and empties (tmpfs): the sweep waits for space and ends with every point exactly once',
    async () => {
      const mnt = tmpfs as string;
      const d = dir();
      const s = join(d, 's.yaml');
      const out = join(mnt, 'full.jsonl');
      const filler = join(mnt, 'filler');
      // Fill the disk but for a few KiB: room for the header and a point or two.
      const { openSync, writeSync, closeSync, statfsSync, unlinkSync } = await import('node:fs');
      const fd = openSync(filler, 'w');
      const block = Buffer.alloc(4096, 1);
      while (statfsSync(mnt).bavail * statfsSync(mnt).bsize > 24 * 1024) writeSync(fd, block);
      closeSync(fd);
      const child = spawn(process.execPath, [CLI, 'sweep', s, '--out', out], { stdio: ['ignore', 'ignore', 'pipe'] });
      let stderr = '';
      const exited = new Promise<number | null>((r) => child.on('exit', r));
      await new Promise<void>((resolve) => {
        child.stderr.on('data', (b: Buffer) => {
          stderr += b.toString();
          if (/waiting for space/.test(stderr)) resolve();
        });
        child.on('exit', () => resolve());
      });
      expect(stderr).toMatch(/warning: .*ENOSPC, waiting for space/);
      unlinkSync(filler); // the disk empties
      expect(await exited, stderr).toBe(0);
      const idx = readLines(out).map((l) => l.index);
      expect(idx.sort((a, b) => a - b)).toEqual(Array.from({ length: 18 }, (_, i) => i));
    },
  );
});
