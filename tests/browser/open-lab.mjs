// Opens a JupyterLab URL as a person would, in headless Chromium: the page must be JupyterLab's UI (not a 404), a new
// notebook is made from the launcher, the cell `6*7` runs on the kernel, and its output must read 42.
//
// Usage: node open-lab.mjs URL SCREENSHOT.png
// Prints one JSON line ({"title": ..., "output": ...}) and exits 0 when all of that happened; otherwise says which step
// failed on stderr, keeps a screenshot of the page as it was, and exits 1.
import { chromium } from 'playwright-core';

const [url, screenshot] = process.argv.slice(2);
if (!url || !screenshot) {
  console.error('usage: node open-lab.mjs URL SCREENSHOT.png');
  process.exit(2);
}

// Debian's Chromium; the closed network here refuses its background connections, so they are turned off.
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  headless: true,
  args: ['--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
         '--disable-component-update', '--disable-sync'],
});
const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
let step = 'opening the URL';
try {
  const response = await page.goto(url, { waitUntil: 'domcontentloaded', timeout: 30000 });
  if (!response || response.status() !== 200) {
    throw new Error(`the page answered HTTP ${response ? response.status() : 'nothing'}`);
  }
  step = 'waiting for the JupyterLab launcher';
  const notebookCard = page.locator('.jp-LauncherCard[data-category="Notebook"]').first();
  await notebookCard.waitFor({ state: 'visible', timeout: 60000 });
  const title = await page.title();

  step = 'creating a notebook from the launcher';
  await notebookCard.click();
  const editor = page.locator('.jp-Notebook .jp-Cell .cm-content').first();
  await editor.waitFor({ state: 'visible', timeout: 60000 });
  step = 'waiting for the kernel';
  await page.locator('.jp-Notebook-ExecutionIndicator[data-status="idle"], .jp-mod-idle').first()
    .waitFor({ state: 'attached', timeout: 60000 }).catch(() => {});

  step = 'running the cell 6*7';
  await editor.click();
  await page.keyboard.type('6*7');
  await page.keyboard.press('Shift+Enter');
  const output = page.locator('.jp-OutputArea-output').filter({ hasText: '42' }).first();
  await output.waitFor({ state: 'visible', timeout: 60000 });
  const text = (await output.innerText()).trim();

  await page.screenshot({ path: screenshot });
  console.log(JSON.stringify({ title, output: text }));
  await browser.close();
} catch (error) {
  await page.screenshot({ path: screenshot }).catch(() => {});
  console.error(`open-lab: failed while ${step}: ${error.message.split('\n')[0]}`);
  console.error(`open-lab: page title "${await page.title().catch(() => '?')}"; screenshot in ${screenshot}`);
  await browser.close();
  process.exit(1);
}
