// Debian's chromium, headless, through playwright-core (no browser download): pages load from file: only.
import { existsSync } from 'node:fs';

export const CHROMIUM = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => existsSync(p));

const ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

type Page = import('playwright-core').Page;

export async function withPage<T>(fn: (page: Page) => Promise<T>, width = 1200, height = 900): Promise<T> {
  if (!CHROMIUM) throw new Error('chromium is not installed');
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
  try {
    const page = await browser.newPage({ viewport: { width, height } });
    return await fn(page);
  } finally {
    await browser.close();
  }
}
