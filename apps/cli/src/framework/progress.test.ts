import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { Io } from './io.js';
import { compactCount, createProgress } from './progress.js';

/** A terminal that keeps what the bar wrote, as one string per write. */
function terminal() {
  const writes: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, cb) {
      writes.push(String(chunk));
      cb();
    },
  }) as unknown as NodeJS.WriteStream;
  Object.assign(stream, {
    isTTY: true,
    columns: 160,
    cursorTo: () => true,
    clearLine: () => true,
    moveCursor: () => true,
  });
  const io: Io = { stdout: async () => {}, stderr: () => {}, stderrIsTTY: true };
  return { writes, stream, io };
}

describe('progress display', () => {
  it('writes counts as people read them', () => {
    expect(compactCount(0)).toBe('0');
    expect(compactCount(9_999)).toBe('9999');
    expect(compactCount(65_536)).toBe('65.5k');
    expect(compactCount(208_599_040)).toBe('208.6M');
    expect(compactCount(3.2e9)).toBe('3.2G');
  });

  it('counts the unit a call names (loops of a run) and falls back to the bar’s own', () => {
    const { writes, stream, io } = terminal();
    const bar = createProgress(io, 'runs', stream);
    bar.update(0, 417_198_080, 'test-vmalloc --impl 5.2 (1 of 2)', 'loops');
    bar.update(12_990_000, 417_198_080, 'test-vmalloc --impl 5.2 (1 of 2)', 'loops');
    const first = writes.join('');
    expect(first).toContain('0/417.2M loops');
    expect(first).toContain('test-vmalloc --impl 5.2 (1 of 2)');
    bar.update(3, 4, 'sensitivity rbNextCycles');
    bar.stop(); // renders the last state (updates between redraws are throttled), then clears it
    expect(writes.join('').slice(first.length)).toContain('3/4 runs');
  });

  it('shows nothing when stderr is not a terminal', () => {
    const { writes, stream, io } = terminal();
    const bar = createProgress({ ...io, stderrIsTTY: false }, 'runs', stream);
    bar.update(1, 2, 'x', 'loops');
    expect(writes).toEqual([]);
  });
});
