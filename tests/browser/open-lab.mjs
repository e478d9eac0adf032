// Opens a printed Jupyter URL as a person would, in headless Chromium: the page must be the UI (JupyterLab at /lab, the
// classic Notebook at /tree; not a 404), a new notebook is made, the cell `6*7` runs on the kernel, and its output
// must read 42.
//
// Usage: node open-lab.mjs URL SCREENSHOT.png
// Prints one JSON line ({"title": ..., "output": ...}) and exits 0 when all of that happened; otherwise says which step
// failed on stderr, keeps a screenshot of the page as it was, and exits 1.
import { commandLine, fail, goTo, jupyterLabShown, openPage, untilOn } from './lab-page.mjs';

const { url, screenshot } = commandLine('open-lab');
const browsing = await openPage();
const { browser, page } = browsing;
const until = untilOn(page);
let step = 'opening the URL';
// JupyterLab 4 (/lab): the launcher's notebook card, then a cell in the new notebook's panel.
async function inJupyterLab() {
  step = 'waiting for the JupyterLab UI';
  // A new JupyterLab shows its launcher; one whose workspace was saved by an earlier visit reopens that instead.
  const { notebookCard, title } = await jupyterLabShown(page, until);
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
  return { title, output: (await output.innerText()).trim(), shown: page };
}

// The classic Notebook (/tree): New > the Python kernel opens the notebook in a new browser tab.
async function inClassicNotebook() {
  step = 'waiting for the Notebook file list';
  const newButton = page.locator('#new-dropdown-button');
  await until(newButton, 60000);
  const title = await page.title();
  step = 'creating a notebook from New';
  await newButton.click();
  const [notebook] = await Promise.all([
    page.context().waitForEvent('page', { timeout: 60000 }),
    page.locator('#new-menu li[id^="kernel-"] a').first().click(),
  ]);
  step = 'waiting for the kernel';
  await notebook.locator('#kernel_indicator_icon.kernel_idle_icon').waitFor({ state: 'attached', timeout: 90000 });
  step = 'running the cell 6*7';
  await notebook.locator('.cell .CodeMirror').first().click();
  await notebook.keyboard.type('6*7');
  await notebook.keyboard.press('Shift+Enter');
  const output = notebook.locator('.output_area .output_subarea').filter({ hasText: '42' }).first();
  await output.waitFor({ state: 'visible', timeout: 60000 });
  return { title, output: (await output.innerText()).trim(), shown: notebook };
}

try {
  await goTo(page, url);
  const seen = new URL(url).pathname.startsWith('/tree') ? await inClassicNotebook() : await inJupyterLab();
  await seen.shown.screenshot({ path: screenshot });
  console.log(JSON.stringify({ title: seen.title, output: seen.output }));
  await browser.close();
} catch (error) {
  await fail('open-lab', browsing, step, error, screenshot);
}
