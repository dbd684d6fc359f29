// Headless Chromium for the Vite app test: Debian's `chromium` (installed by
// tooling/scripts/install-system-deps.sh), driven by playwright-core as apps/web's test does.
import { type Browser, chromium } from 'playwright-core';

const CHROMIUM = '/usr/bin/chromium';

export function launchChromium(): Promise<Browser> {
  // --no-sandbox: CI runs as root, where Chromium's sandbox refuses to start
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless=new', '--no-sandbox', '--disable-background-networking', '--no-first-run'],
  });
}

/**
 * Opens `url` in a fresh page and returns the JSON the page writes to `#out` once it sets
 * `data-done`; a page that never does fails with its console and errors in the message.
 */
export async function pageOutput(browser: Browser, url: string): Promise<unknown> {
  const page = await browser.newPage();
  const log: string[] = [];
  page.on('console', (m) => log.push(`console.${m.type()}: ${m.text()}`));
  page.on('pageerror', (e) => log.push(`page error: ${e.message}`));
  page.on('requestfailed', (r) => log.push(`request failed: ${r.url()}`));
  try {
    await page.goto(url);
    await page.waitForSelector('#out[data-done=true]', { timeout: 60_000 });
    return JSON.parse((await page.textContent('#out')) as string);
  } catch (error) {
    throw new Error(`${url}: ${(error as Error).message}\n${log.join('\n')}`);
  } finally {
    await page.close();
  }
}
