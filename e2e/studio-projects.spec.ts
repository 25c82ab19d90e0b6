// Projects keep models apart, in the browser against the real engine: a second model opened
// after a run goes into a project of its own (asked in the studio's dialog), and switching back
// brings the first model's runs and confusion matrix back.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FASHION, pageErrors, shot, trainShortRun } from './support/flows.js';
import { expect, launchStudio, openStudio, stopStudio, test } from './support/studio.js';

test.describe.configure({ timeout: 180_000 });
test.skip(!existsSync(FASHION), 'needs Debian dataset-fashion-mnist');

test('a second model opens in a new project; switching back shows the first one’s runs again', async ({ page }) => {
  const workspace = mkdtempSync(join(tmpdir(), 'graft-e2e-ws-'));
  const { url, child } = await launchStudio(['--workspace', workspace]);
  const errors = pageErrors(page);
  // No browser prompt or confirm may appear: projects are named in the studio's own dialog.
  page.on('dialog', (d) => {
    errors.push(`browser dialog: ${d.message()}`);
    void d.dismiss();
  });
  try {
    await openStudio(page, url);
    await page.getByTestId('tab-train').click();
    const defaultEpochs = await page.getByTestId('set-epochs').inputValue();
    await page.getByTestId('tab-data').click();
    await expect(page.getByTestId('dataset-summary')).toContainText('5 classes');
    await trainShortRun(page);
    await expect(page.getByTestId('confusion-matrix')).toBeVisible();
    // The export downloads under the project's, the strategy's and the day's name, and the
    // browser is told where "Save to path" may write.
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('download-export').click()]);
    expect(download.suggestedFilename()).toMatch(/^untitled-full-\d{4}-\d{2}-\d{2}\.onnx$/);
    await download.cancel();
    await expect(page.getByTestId('export-roots')).toContainText(workspace);
    await page.getByTestId('export-box').scrollIntoViewIfNeeded();
    await shot(page, 'export-names');

    // Settings tuned for this model stay with its project.
    await page.getByTestId('tab-train').click();
    await page.getByTestId('set-epochs').fill('7');

    // The RNN is offered a project of its own instead of joining the CNN's runs.
    await page.getByTestId('model-select').selectOption({ label: 'adding-rnn (bundled)' });
    await expect(page.getByTestId('model-project-dialog')).toBeVisible();
    await expect(page.getByTestId('project-name')).toHaveValue('adding-rnn');
    await shot(page, 'projects-new-for-model');
    await page.getByTestId('model-project-dialog-submit').click();
    await expect(page.getByTestId('model-summary')).toContainText('adding-rnn.onnx');
    await expect(page.getByTestId('project-select')).toHaveValue('adding-rnn');
    await expect(page.getByTestId('run-view')).toHaveCount(0);
    await expect(page.getByTestId('confusion-matrix')).toHaveCount(0);
    await page.getByTestId('tab-compare').click();
    await expect(page.getByText('No runs in this project yet')).toBeVisible();
    // It starts from the engine's training settings, not the CNN's.
    await page.getByTestId('tab-train').click();
    await expect(page.getByTestId('set-epochs')).toHaveValue(defaultEpochs);

    // A taken name is refused in the dialog itself.
    await page.getByTestId('project-select').selectOption('__new__');
    await page.getByTestId('project-name').fill('untitled');
    await expect(page.getByTestId('project-name-problem')).toContainText('exists already');
    await page.getByTestId('new-project-dialog').getByRole('button', { name: 'Cancel' }).click();
    await expect(page.getByTestId('project-select')).toHaveValue('adding-rnn');

    // Back to the first project: its model, run and confusion matrix return.
    await page.getByTestId('project-select').selectOption('untitled');
    await expect(page.getByTestId('model-summary')).toContainText('fashion-cnn.onnx');
    await page.getByTestId('tab-train').click();
    await expect(page.getByTestId('run-select').locator('option')).toHaveCount(1);
    await expect(page.getByTestId('set-epochs')).toHaveValue('7');
    await expect(page.getByTestId('confusion-matrix')).toBeVisible();
    expect(errors).toEqual([]);
  } finally {
    await stopStudio(child);
    rmSync(workspace, { recursive: true, force: true });
  }
});
