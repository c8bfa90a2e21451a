// Must show: `test-vmalloc --format svg` draws every case the run measured, for every design, as its own bar.
import { describe, expect, it } from 'vitest';
import { runCli } from '../testing/run-cli.js';

const ARGS = ['test-vmalloc', '--arch', 'x86_64', '--cpus', '2', '--nr-threads', '2', '--test-loop-count', '100'];

describe('test-vmalloc --format svg', () => {
  it('draws one bar per case and design, each with its value, and names every case on the axis', () => {
    const json = runCli([...ARGS, '--impl', '2.6.28,5.2', '--format', 'json']);
    expect(json.code, json.stderr).toBe(0);
    const doc = JSON.parse(json.stdout) as { runs: { variant: { impl: string }; metrics: Record<string, number> }[] };
    const want = doc.runs.flatMap((r) =>
      Object.keys(r.metrics)
        .filter((k) => k.endsWith('.avg_usec'))
        .map((k) => `${k.slice(0, -'.avg_usec'.length)}/${r.variant.impl}`),
    );
    expect(want.length).toBeGreaterThanOrEqual(2 * 8);

    const svg = runCli([...ARGS, '--impl', '2.6.28,5.2', '--format', 'svg']);
    expect(svg.code, svg.stderr).toBe(0);
    const bars = [...svg.stdout.matchAll(/<path [^>]*aria-roledescription="bar"[^>]*>/g)].map((m) => {
      const label = /aria-label="case: ([^;]+); [^:]+: ([^;]+); impl: ([^"]+)"/.exec(m[0]);
      const height = /v(-?[\d.]+)h/.exec(m[0]);
      return { key: label ? `${label[1]}/${label[3]}` : m[0], value: label?.[2], height: Number(height?.[1]) };
    });
    expect(bars.map((b) => b.key).sort()).toEqual([...want].sort());
    // Every bar carries a value and is drawn (a non-zero height): none of the cases is empty.
    expect(bars.every((b) => b.value !== '0' && Math.abs(b.height) > 0)).toBe(true);
    const texts = [...svg.stdout.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]);
    for (const c of new Set(want.map((w) => w.split('/')[0]))) expect(texts).toContain(c);
    expect(svg.stdout).toContain('<metadata>');
  }, 120_000);
});
