// Must show: the HTML report of a 3-option sweep, rendered in headless Chromium, names every swept value in the
// chart's legend, axes or facet headers, and no two configurations share a mark.
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CHROMIUM, withPage } from '../testing/browser.js';
import { REPO, runCli } from '../testing/run-cli.js';

const GRID = { dump_level: [0, 1, 7, 31], access: ['read', 'mmap'], makedumpfile: ['1.5.7', '1.7.2'] };

function sweepReport(): string {
  const d = mkdtempSync(join(tmpdir(), 'kmemsim-sweep-report-'));
  const file = join(d, 'vmcore.json');
  writeFileSync(file, JSON.stringify({ command: 'vmcore-dump', base: { arch: 's390', mem: '256MiB' }, grid: GRID }));
  const s = runCli(['sweep', file, '--out', join(d, 'vmcore.jsonl')]);
  expect(s.code, s.stderr).toBe(0);
  const r = runCli(['report', join(d, 'vmcore.jsonl'), '--out', join(d, 'report.html')]);
  expect(r.code, r.stderr).toBe(0);
  return join(d, 'report.html');
}

describe('report of a 3-option sweep', () => {
  it('the page has no script and fetches nothing; the table has a column per swept option', () => {
    const html = readFileSync(sweepReport(), 'utf8');
    expect(html).not.toMatch(/<script|<link |src="http|href="http/);
    for (const col of ['dump_level', 'access', 'makedumpfile']) expect(html).toContain(`<th>${col}</th>`);
  });

  it.skipIf(!CHROMIUM)(
    'in Chromium: every swept value is in the legend, an axis or a facet header; one mark per configuration',
    async () => {
      const file = sweepReport();
      await withPage(
        async (page) => {
          const requests: string[] = [];
          page.on('request', (r) => requests.push(r.url()));
          await page.goto(pathToFileURL(file).href);
          const charts = await page.$$eval('figure.chart svg', (svgs) =>
            svgs.map((svg) => ({
              texts: [...svg.querySelectorAll('text')].map((t) => (t.textContent ?? '').trim()),
              // Where each bar of the model is drawn: two configurations sharing a mark would share a box.
              bars: [...svg.querySelectorAll('path[aria-roledescription="bar"]')].map((p) => {
                const b = p.getBoundingClientRect();
                return [b.x, b.y, b.width, b.height].map((v) => v.toFixed(1)).join(',');
              }),
              width: svg.getBoundingClientRect().width,
            })),
          );
          expect(charts).toHaveLength(1);
          const [c] = charts;
          expect(c.width).toBeGreaterThan(300);
          for (const v of [...GRID.dump_level.map(String), ...GRID.access, ...GRID.makedumpfile])
            expect(c.texts, `swept value ${v} on the chart`).toContain(v);
          // 4 levels × 2 modes × 2 versions, each with 3 syscalls and 3 times: no bar drawn over another.
          expect(c.bars).toHaveLength(16 * 3 * 2);
          expect(new Set(c.bars).size).toBe(c.bars.length);
          expect(requests.every((u) => u.startsWith('file:'))).toBe(true);
          const dir = join(REPO, 'test-artifacts');
          mkdirSync(dir, { recursive: true });
          await page.screenshot({ path: join(dir, 'report-sweep.png'), fullPage: true });
        },
        1400,
        1000,
      );
    },
    120_000,
  );
});
