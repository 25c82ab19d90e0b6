// Guards before Start, as a user meets them in the browser against the real engine: a dataset
// with nothing held out for validation blocks Train, and the fix is one click away.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { shot } from './support/flows.js';
import { expect, launchStudio, openStudio, stopStudio, test } from './support/studio.js';

test.describe.configure({ timeout: 120_000 });

test('a dataset without validation samples blocks Train until one click holds 10% out', async ({ page }) => {
  const workspace = mkdtempSync(join(tmpdir(), 'graft-e2e-ws-'));
  const data = mkdtempSync(join(tmpdir(), 'graft-e2e-noval-'));
  // A pre-split folder (train/ and an empty test/): with a validation share of 0, nothing is held out.
  mkdirSync(join(data, 'test'));
  for (let c = 0; c < 5; c++) {
    mkdirSync(join(data, 'train', `class ${c}`), { recursive: true });
    for (let i = 0; i < 10; i++) await sharp({ create: { width: 12, height: 12, channels: 3, background: { r: 40 * c, g: 10 * i, b: 90 } } }).png().toFile(join(data, 'train', `class ${c}`, `${i}.png`));
  }
  const { url, child } = await launchStudio(['--workspace', workspace, '--root', data]);
  try {
    await openStudio(page, url);
    await page.getByTestId('tab-data').click();
    await page.getByTestId('data-path').fill(data);
    await page.getByTestId('data-path-open').click();
    await expect(page.getByTestId('dataset-summary')).toContainText('5 classes');
    await page.getByTestId('val-fraction').fill('0');
    // The Data tab says so where the share is set, with the same one-click fix.
    await expect(page.getByTestId('dataset-no-validation')).toContainText('no validation samples', { timeout: 60_000 });
    await expect(page.getByTestId('dataset-hold-out')).toBeVisible();
    await page.getByTestId('tab-train').click();
    // The dataset is opened again with the new split first: on a busy machine that takes a while.
    await expect(page.getByTestId('train-blocker')).toContainText('no validation samples', { timeout: 60_000 });
    await expect(page.getByTestId('train-start')).toBeDisabled();
    await shot(page, 'guard-no-validation');
    await page.getByTestId('fix-validation').click();
    await expect(page.getByTestId('train-blocker')).toHaveCount(0);
    await expect(page.getByTestId('train-start')).toBeEnabled();
    await page.getByTestId('tab-data').click();
    await expect(page.getByTestId('val-fraction')).toHaveValue('0.1');
    await expect(page.getByTestId('dataset-no-validation')).toHaveCount(0);
  } finally {
    await stopStudio(child);
    rmSync(workspace, { recursive: true, force: true });
    rmSync(data, { recursive: true, force: true });
  }
});
