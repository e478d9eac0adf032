// What the browser scripts share: headless Chromium with one page, the requests it could not make, a wait that answers
// JupyterLab's questions as a person would, opening the printed URL, and the report of a failed step.
import { chromium } from 'playwright-core';

// The URL and the screenshot path from the command line, or the usage and exit 2.
export function commandLine(name) {
  const [url, screenshot] = process.argv.slice(2);
  if (!url || !screenshot) {
    console.error(`usage: node ${name}.mjs URL SCREENSHOT.png`);
    process.exit(2);
  }
  return { url, screenshot };
}

const hideToken = (url) => url.replace(/token=[0-9a-f]+/, 'token=…');

// Debian's Chromium; the closed network here refuses its background connections, so they are turned off.
export async function openPage() {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: ['--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
           '--disable-component-update', '--disable-sync'],
  });
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  // Requests the page could not make are what a person would see as "Failed to fetch": say which, without the token.
  const failed = [];
  page.on('requestfailed', (r) => failed.push(`${r.method()} ${hideToken(r.url())}: ${r.failure()?.errorText}`));
  page.on('response', (r) => { if (r.status() >= 400) failed.push(`${r.request().method()} ${hideToken(r.url())}: HTTP ${r.status()}`); });
  return { browser, page, failed };
}

// until(locator, ms): waits for the locator to be visible. A workspace saved by an earlier JupyterLab reopens its
// notebooks, each asking which kernel to start: answer as a person would, with the offered default, while waiting.
export function untilOn(page) {
  const dialogButton = page.locator('.jp-Dialog .jp-mod-accept');
  return async function until(locator, ms) {
    const deadline = Date.now() + ms;
    for (;;) {
      if (await dialogButton.first().isVisible()) await dialogButton.first().click().catch(() => {});
      if (await locator.isVisible()) return;
      if (Date.now() > deadline) throw new Error(`nothing matched ${locator} within ${ms} ms`);
      await page.waitForTimeout(250);
    }
  };
}

// Opens the URL; anything but HTTP 200 (a 404, a refused token) fails.
export async function goTo(page, url) {
  const response = await page.goto(url, { waitUntil: 'domcontentloaded', timeout: 30000 });
  if (!response || response.status() !== 200) {
    throw new Error(`the page answered HTTP ${response ? response.status() : 'nothing'}`);
  }
}

// JupyterLab 4 (/lab) is up: its launcher, or the notebooks a saved workspace reopens. Answers the launcher's notebook
// card (which may be hidden) and the page title.
export async function jupyterLabShown(page, until) {
  const notebookCard = page.locator('.jp-LauncherCard[data-category="Notebook"]:visible').first();
  const restored = page.locator('.jp-NotebookPanel:visible').first();
  await until(notebookCard.or(restored).first(), 60000);
  return { notebookCard, title: await page.title() };
}

// Says which step failed on stderr, with the requests the page could not make, keeps a screenshot of the page as it
// was (when it is still open), and exits 1.
export async function fail(name, { browser, page, failed }, step, error, screenshot) {
  await page.screenshot({ path: screenshot }).catch(() => {});
  console.error(`${name}: failed while ${step}: ${error.message.split('\n')[0]}`);
  for (const f of failed.slice(0, 10)) console.error(`${name}: request failed: ${f}`);
  console.error(`${name}: page title "${await page.title().catch(() => '?')}"; screenshot in ${screenshot}`);
  await browser.close();
  process.exit(1);
}
