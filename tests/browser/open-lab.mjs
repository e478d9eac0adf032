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
// Requests the page could not make are what a person would see as "Failed to fetch": say which, without the token.
const failed = [];
page.on('requestfailed', (r) => failed.push(`${r.method()} ${r.url().replace(/token=[0-9a-f]+/, 'token=…')}: ${r.failure()?.errorText}`));
page.on('response', (r) => { if (r.status() >= 400) failed.push(`${r.request().method()} ${r.url().replace(/token=[0-9a-f]+/, 'token=…')}: HTTP ${r.status()}`); });
// A workspace saved by an earlier JupyterLab reopens its notebooks, each asking which kernel to start: answer as a
// person would, with the offered default, while waiting for what comes next.
const dialogButton = page.locator('.jp-Dialog .jp-mod-accept');
async function until(locator, ms) {
  const deadline = Date.now() + ms;
  for (;;) {
    if (await dialogButton.first().isVisible()) await dialogButton.first().click().catch(() => {});
    if (await locator.isVisible()) return;
    if (Date.now() > deadline) throw new Error(`nothing matched ${locator} within ${ms} ms`);
    await page.waitForTimeout(250);
  }
}
let step = 'opening the URL';
try {
  const response = await page.goto(url, { waitUntil: 'domcontentloaded', timeout: 30000 });
  if (!response || response.status() !== 200) {
    throw new Error(`the page answered HTTP ${response ? response.status() : 'nothing'}`);
  }
  step = 'waiting for the JupyterLab UI';
  // A new JupyterLab shows its launcher; one whose workspace was saved by an earlier visit reopens that instead.
  const notebookCard = page.locator('.jp-LauncherCard[data-category="Notebook"]:visible').first();
  const restored = page.locator('.jp-NotebookPanel:visible').first();
  await until(notebookCard.or(restored).first(), 60000);
  const title = await page.title();
  if (!(await notebookCard.isVisible())) {
    step = 'opening a new launcher';
    await page.locator('.lm-TabBar-addButton:visible').first().click();
    await until(notebookCard, 30000);
  }

  step = 'creating a notebook from the launcher';
  await notebookCard.click();
  // The new notebook becomes the current tab of the main area; notebooks reopened from the workspace sit behind theirs.
  const tab = page.locator('#jp-main-dock-panel .lm-TabBar-tab.lm-mod-current').filter({ hasText: /\.ipynb/ }).first();
  await until(tab, 60000);
  const panel = page.locator(`[id="${await tab.getAttribute('data-id')}"]`);
  const editor = panel.locator('.jp-Cell .cm-content').first();
  await until(editor, 60000);

  step = 'waiting for the kernel';
  // The status bar names the current notebook's kernel and its state; a cell run before it is connected is dropped.
  await until(page.locator('#jp-main-statusbar').getByText(/\| Idle$/).first(), 90000);

  step = 'running the cell 6*7';
  await until(editor, 10000);
  await editor.click();
  await page.keyboard.type('6*7');
  await page.keyboard.press('Shift+Enter');
  const output = panel.locator('.jp-OutputArea-output').filter({ hasText: '42' }).first();
  await until(output, 60000);
  const text = (await output.innerText()).trim();

  await page.screenshot({ path: screenshot });
  console.log(JSON.stringify({ title, output: text }));
  await browser.close();
} catch (error) {
  await page.screenshot({ path: screenshot }).catch(() => {});
  console.error(`open-lab: failed while ${step}: ${error.message.split('\n')[0]}`);
  for (const f of failed.slice(0, 10)) console.error(`open-lab: request failed: ${f}`);
  console.error(`open-lab: page title "${await page.title().catch(() => '?')}"; screenshot in ${screenshot}`);
  await browser.close();
  process.exit(1);
}
