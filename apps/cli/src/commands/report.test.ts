// The HTML report renders in a real browser (Debian's chromium via playwright-core); the screenshot is kept as a
// test artifact under test-artifacts/ (not committed). Skips, saying why, where chromium is not installed.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { REPO, runCli } from '../testing/run-cli.js';

const CHROMIUM = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => existsSync(p));

function makeReport(): string {
  const d = mkdtempSync(join(tmpdir(), 'kmemsim-report-'));
  const a = runCli(['checkpoint', '--arch', 'i386', '--virt', 'kvm-shadow', '--size', '32MiB', '--format', 'json']);
  expect(a.code, a.stderr).toBe(0);
  writeFileSync(join(d, 'checkpoint.json'), a.stdout);
  const b = runCli(['reproduce', '--format', 'json']);
  writeFileSync(join(d, 'reproduce.json'), b.stdout);
  const out = join(d, 'report.html');
  const r = runCli([
    'report',
    join(d, 'checkpoint.json'),
    join(d, 'reproduce.json'),
    '--out',
    out,
    '--title',
    'kmemsim test report',
  ]);
  expect(r.code, r.stderr).toBe(0);
  return out;
}

describe('kmemsim report', () => {
  it('writes one self-contained page: a chart and a table per command, nothing fetched', () => {
    const html = readFileSync(makeReport(), 'utf8');
    expect(html.match(/<section data-command=/g)).toHaveLength(2);
    expect(html.match(/<svg /g)?.length).toBeGreaterThanOrEqual(2);
    expect(html).not.toMatch(/<script|<link |src="http|href="http/);
  });

  it('rejects input that is not a result, in one line, exit 2', () => {
    const d = mkdtempSync(join(tmpdir(), 'kmemsim-report-'));
    writeFileSync(join(d, 'x.jsonl'), '{"hello": 1}\n');
    const r = runCli(['report', join(d, 'x.jsonl')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/not a kmemsim result/);
  });

  it.skipIf(!CHROMIUM)(
    'renders in headless Chromium: every chart has marks; screenshot kept',
    async () => {
      const file = makeReport();
      const { chromium } = await import('playwright-core');
      const browser = await chromium.launch({
        executablePath: CHROMIUM,
        args: [
          '--no-sandbox',
          '--disable-gpu',
          '--disable-quic',
          '--no-first-run',
          '--disable-background-networking',
          '--disable-component-update',
          '--disable-sync',
        ],
      });
      try {
        const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
        const requests: string[] = [];
        page.on('request', (r) => requests.push(r.url()));
        await page.goto(pathToFileURL(file).href);
        const charts = await page.$$eval('figure.chart svg', (svgs) =>
          svgs.map((s) => ({ w: s.getBoundingClientRect().width, marks: s.querySelectorAll('path, rect').length })),
        );
        expect(charts.length).toBe(2);
        for (const c of charts) {
          expect(c.w).toBeGreaterThan(100);
          expect(c.marks).toBeGreaterThan(3);
        }
        expect(await page.title()).toBe('kmemsim test report');
        expect(requests.every((u) => u.startsWith('file:'))).toBe(true);
        const dir = join(REPO, 'test-artifacts');
        mkdirSync(dir, { recursive: true });
        await page.screenshot({ path: join(dir, 'report.png'), fullPage: true });
        expect(existsSync(join(dir, 'report.png'))).toBe(true);
      } finally {
        await browser.close();
      }
    },
    // A rendering check, not a speed one: on the shared 2-core machine at load 10–15 the report's runs and
    // Chromium's start took 50–60 s (2 Dec), so the limit leaves room for load.
    180_000,
  );
});
