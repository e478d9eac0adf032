// Shuts JupyterLab down as a person would, in headless Chromium: opens a printed JupyterLab 4 URL (/lab), chooses
// File > Shut Down in the menu bar, confirms the dialog that asks, and waits until the page says "Server stopped" or the
// server no longer answers at all.
//
// Usage: node shut-down-lab.mjs URL SCREENSHOT.png
// Prints one JSON line ({"title": ..., "confirmed": ..., "stopped": ...}) and exits 0 when all of that happened;
// otherwise says which step failed on stderr, keeps a screenshot of the page as it was, and exits 1.
import { commandLine, fail, goTo, jupyterLabShown, openPage, untilOn } from './lab-page.mjs';

const { url, screenshot } = commandLine('shut-down-lab');
const browsing = await openPage();
const { browser, page } = browsing;
const until = untilOn(page);

// Whether anything still answers HTTP at the URL's server (through the tunnel): a refused or dropped connection, or
// none within 3 s, is no answer.
async function serverAnswers() {
  try {
    await fetch(new URL('/api/status', url), { signal: AbortSignal.timeout(3000) });
    return true;
  } catch {
    return false;
  }
}

let step = 'opening the URL';
try {
  await goTo(page, url);

  step = 'waiting for the JupyterLab UI';
  const { title } = await jupyterLabShown(page, until);
  const fileMenu = page.locator('#jp-MainMenu .lm-MenuBar-item').filter({ hasText: /^File$/ }).first();
  await until(fileMenu, 30000);

  step = 'opening the File menu';
  await fileMenu.click();
  const shutDown = page.locator('.lm-Menu:visible .lm-Menu-item')
    .filter({ has: page.locator('.lm-Menu-itemLabel', { hasText: /^Shut Down$/ }) }).first();
  await shutDown.waitFor({ state: 'visible', timeout: 10000 });

  step = 'choosing Shut Down';
  await shutDown.click();
  const confirmation = page.locator('.jp-Dialog').filter({ hasText: 'Shutdown confirmation' }).first();
  await confirmation.waitFor({ state: 'visible', timeout: 10000 });

  step = 'confirming the shutdown';
  const confirmed = (await confirmation.locator('.jp-Dialog-header').innerText()).trim();
  // The tab may close itself once the server has stopped, so the dialog is kept as it asks.
  await page.screenshot({ path: screenshot });
  await confirmation.locator('.jp-mod-accept').click();

  step = 'waiting for the server to stop';
  // JupyterLab shows "Server stopped" once its shutdown request is answered and then closes the tab itself, which
  // Chromium allows for a tab with no history; either way the server stops answering soon after.
  const stoppedDialog = page.locator('.jp-Dialog').filter({ hasText: 'Server stopped' }).first();
  const deadline = Date.now() + 60000;
  let stopped = null;
  while (!stopped) {
    if (!page.isClosed() && await stoppedDialog.isVisible().catch(() => false)) {
      stopped = 'Server stopped';
      await page.screenshot({ path: screenshot }).catch(() => {});
    } else if (!(await serverAnswers())) {
      stopped = page.isClosed() ? 'the tab closed itself and the server no longer answers' : 'the server no longer answers';
    } else if (Date.now() > deadline) {
      throw new Error('the page did not say "Server stopped" and the server still answers after 60 s');
    } else {
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
  console.log(JSON.stringify({ title, confirmed, stopped }));
  await browser.close();
} catch (error) {
  await fail('shut-down-lab', browsing, step, error, screenshot);
}
