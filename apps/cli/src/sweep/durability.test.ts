// A sweep keeps every promise (issue 15, failures 1 and 5): a disk that fills and empties, a second writer, another
// grid on the same file — each ends with every point exactly once, or is refused.
import * as fs from 'node:fs';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Appender, type AppendFs } from './appender.js';
import { readPoints } from './format.js';
import { mergeFiles } from './merge.js';
import { runSweep } from './run.js';

const SPEC = 'command: vmap-bench\nbase: { cpus: 2, iterations: 20 }\ngrid: { threads: [1, 2], pages: [1, 2, 3] }\n';

function setup(spec = SPEC) {
  const d = mkdtempSync(join(tmpdir(), 'kmemsim-durable-'));
  writeFileSync(join(d, 's.yaml'), spec);
  return { d, file: join(d, 's.yaml'), out: join(d, 'o.jsonl') };
}

/** The real file system, with a disk of `capacity` bytes: writes beyond it are short, then fail with ENOSPC. */
function smallDisk(capacity: { bytes: number }): AppendFs {
  return {
    ...fs,
    writeSync(fd, buf, off, len, pos) {
      const room = capacity.bytes - pos;
      if (room <= 0) throw Object.assign(new Error('no space'), { code: 'ENOSPC' });
      return fs.writeSync(fd, buf, off, Math.min(len, room), pos);
    },
  };
}

const exactlyOnce = (out: string, total: number) => {
  const idx = readPoints(out).map((p) => p.index);
  expect(idx.length).toBe(total);
  expect(new Set(idx).size).toBe(total);
};

describe('sweep durability', () => {
  it('a short write is never left in the file: the appender cuts it back and tries again', () => {
    const { out } = setup();
    const cap = { bytes: 10 };
    let sleeps = 0;
    const a = new Appender(out, 0, {
      fs: smallDisk(cap),
      sleep: () => {
        if (++sleeps === 3) cap.bytes = 1e9; // the disk empties
      },
    });
    a.append('{"a":"0123456789"}\n');
    a.close();
    expect(fs.readFileSync(out, 'utf8')).toBe('{"a":"0123456789"}\n');
    expect(sleeps).toBe(3);
  });

  it('a disk that fills and empties: the sweep waits, then ends with every point exactly once', async () => {
    const { file, out } = setup();
    const cap = { bytes: 16_000 }; // room for the header and about one point (~13 KB: every design's run)
    const waits: string[] = [];
    await runSweep({
      file,
      out,
      workers: 1,
      shard: { index: 0, count: 1 },
      warn: (l) => waits.push(l),
      appender: {
        fs: smallDisk(cap),
        sleep: () => {
          cap.bytes += 30_000; // space comes back a little at a time
        },
      },
    });
    expect(waits.some((w) => /ENOSPC, waiting for space/.test(w))).toBe(true);
    exactlyOnce(out, 6);
  });

  it('a disk that stays full: the sweep stops (exit 1) with every finished point intact, and a rerun completes', async () => {
    const { file, out } = setup();
    const cap = { bytes: 36_000 }; // the header and two or three points
    await expect(
      runSweep({
        file,
        out,
        workers: 1,
        shard: { index: 0, count: 1 },
        appender: { fs: smallDisk(cap), waitFullMs: 300, sleep: () => {} },
      }),
    ).rejects.toThrow(/cannot append to .*ENOSPC, still after waiting.*rerun to resume/);
    const before = readPoints(out).length;
    expect(before).toBeGreaterThan(0);
    expect(before).toBeLessThan(6);
    await runSweep({ file, out, workers: 1, shard: { index: 0, count: 1 } });
    exactlyOnce(out, 6);
  });

  it('a second sweep on the same --out is refused, naming the holder', async () => {
    const { file, out } = setup();
    fs.writeFileSync(
      `${out}.lock`,
      JSON.stringify({ pid: process.pid, host: (await import('node:os')).hostname(), since: 'now' }),
    );
    await expect(runSweep({ file, out, workers: 1, shard: { index: 0, count: 1 } })).rejects.toThrow(
      new RegExp(`being written by another sweep \\(pid ${process.pid} on .*\\)`),
    );
    fs.writeFileSync(
      `${out}.lock`,
      JSON.stringify({ pid: 2 ** 22 + 17, host: (await import('node:os')).hostname(), since: 'then' }),
    );
    await runSweep({ file, out, workers: 1, shard: { index: 0, count: 1 } }); // a stale lock is taken over
    exactlyOnce(out, 6);
    expect(fs.existsSync(`${out}.lock`)).toBe(false);
  });

  it('another grid or another shard on the same --out is refused; merge refuses to mix grids', async () => {
    const a = setup();
    await runSweep({ file: a.file, out: a.out, workers: 1, shard: { index: 0, count: 1 } });
    writeFileSync(a.file, SPEC.replace('[1, 2, 3]', '[1, 2, 4]'));
    await expect(runSweep({ file: a.file, out: a.out, workers: 1, shard: { index: 0, count: 1 } })).rejects.toThrow(
      /holds points of another grid \(vmap-bench, 6 points, grid [0-9a-f]{12}; this sweep: vmap-bench, 6 points/,
    );
    await expect(runSweep({ file: a.file, out: a.out, workers: 1, shard: { index: 0, count: 2 } })).rejects.toThrow(
      /another grid/,
    );
    const other = join(a.d, 'b.jsonl');
    await runSweep({ file: a.file, out: other, workers: 1, shard: { index: 0, count: 1 } });
    expect(() => mergeFiles([a.out, other])).toThrow(/holds another grid .*merge files of one sweep only/);
    const shard = join(a.d, 'c.jsonl');
    await runSweep({ file: a.file, out: shard, workers: 1, shard: { index: 1, count: 2 } });
    await expect(runSweep({ file: a.file, out: shard, workers: 1, shard: { index: 0, count: 2 } })).rejects.toThrow(
      /holds shard 1\/2 of this grid, not shard 0\/2/,
    );
  });

  it('merge reports missing points and shards, and keeps a complete last line that lost its newline', async () => {
    const { file, out, d } = setup();
    const s0 = join(d, 's0.jsonl');
    const s2 = join(d, 's2.jsonl');
    await runSweep({ file, out: s0, workers: 1, shard: { index: 0, count: 3 } });
    await runSweep({ file, out: s2, workers: 1, shard: { index: 2, count: 3 } });
    const text = fs.readFileSync(s2, 'utf8');
    fs.writeFileSync(s2, text.slice(0, -1)); // no newline after the last point
    const warnings: string[] = [];
    const m = mergeFiles([s0, s2], (w) => warnings.push(w));
    const merged = [...m.chunks].join('');
    expect(merged.trim().split('\n')).toHaveLength(1 + 4);
    expect(warnings).toEqual(['merge: 2 of 6 points missing (first: point 1); no file for shard 1/3']);
    // The merged file is itself a sweep output: a sweep on it runs only what is missing.
    fs.writeFileSync(out, merged);
    const r = await runSweep({ file, out, workers: 1, shard: { index: 0, count: 1 } });
    expect(r.ran).toBe(2);
    exactlyOnce(out, 6);
  });

  it('a torn last line is dropped the same way by sweep, merge and report', async () => {
    const { file, out } = setup();
    await runSweep({ file, out, workers: 1, shard: { index: 0, count: 1 } });
    const whole = fs.readFileSync(out, 'utf8');
    const lines = whole.trimEnd().split('\n');
    const torn = `${lines.slice(0, -1).join('\n')}\n${lines[lines.length - 1].slice(0, 50)}`;
    fs.writeFileSync(out, torn);
    const warn: string[] = [];
    expect(mergeFiles([out], (w) => warn.push(w)).points).toBe(5);
    expect(warn[0]).toMatch(/torn last line/);
    const { cli } = await import('../testing/in-process.js');
    const rep = await cli(['report', out]);
    expect(rep.code, rep.err).toBe(0);
    expect(rep.err).toMatch(/warning: .*torn last line/);
    const r = await runSweep({ file, out, workers: 1, shard: { index: 0, count: 1 } });
    expect(r.ran).toBe(1);
    exactlyOnce(out, 6);
  });
});
