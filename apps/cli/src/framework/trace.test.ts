import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../testing/run-cli.js';

interface Ev {
  name: string;
  ph: string;
  pid: number;
  tid: number;
  ts: number;
  dur?: number;
}

describe('--trace', () => {
  it('writes a Chrome trace: a process per run, a track per CPU, spans per symbol, IPIs and flushes as instants', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'kmemsim-trace-')), 't.json');
    const r = runCli([
      'checkpoint',
      '--arch',
      'i386',
      '--virt',
      'kvm-shadow',
      '--size',
      '8MiB',
      '--map',
      'kmap,kmap_atomic',
      '--format',
      'json',
      '--trace',
      file,
    ]);
    expect(r.code, r.stderr).toBe(0);
    const t = JSON.parse(readFileSync(file, 'utf8')) as { traceEvents: Ev[]; otherData: { droppedEvents: number } };
    const ev = t.traceEvents;
    expect(new Set(ev.filter((e) => e.ph === 'M' && e.name === 'process_name').map((e) => e.pid))).toEqual(
      new Set([1, 2]),
    );
    expect(ev.filter((e) => e.ph === 'M' && e.name === 'thread_name').length).toBeGreaterThanOrEqual(2);
    const spans = ev.filter((e) => e.ph === 'X');
    expect(spans.some((e) => e.name === 'checkpoint_dump_page')).toBe(true);
    expect(spans.every((e) => (e.dur ?? -1) >= 0 && Number.isFinite(e.ts))).toBe(true);
    const instants = new Set(ev.filter((e) => e.ph === 'i').map((e) => e.name));
    expect(instants.has('tlb_flush_global')).toBe(true);
    expect(instants.has('ipi')).toBe(true);
    expect(t.otherData.droppedEvents).toBe(0);
  });

  it('stays within --trace-limit and says how much it dropped', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'kmemsim-trace-')), 't.json');
    const r = runCli([
      'checkpoint',
      '--arch',
      'i386',
      '--size',
      '64MiB',
      '--map',
      'kmap',
      '--trace',
      file,
      '--trace-limit',
      '50',
    ]);
    expect(r.code, r.stderr).toBe(0);
    const t = JSON.parse(readFileSync(file, 'utf8'));
    expect(t.traceEvents.filter((e: Ev) => e.ph !== 'M').length).toBeLessThanOrEqual(50);
    expect(t.otherData.droppedEvents).toBeGreaterThan(0);
  });
});
