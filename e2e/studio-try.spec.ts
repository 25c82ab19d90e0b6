// Trying the trained model and naming its classes, in the browser against the real engine: a
// dropped .txt is refused by name (never by the upload's folder), a class renamed in the Data
// tab reaches the exported model's labels, and images dropped on the Try panel get the model's
// classes with probabilities that sum to 100%.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readModelProto } from '../src-main/node/model-file.js';
import { dropFiles, FASHION, pageErrors, shot, trainShortRun } from './support/flows.js';
import { REPO_ROOT } from './support/paths.js';
import { expect, launchStudio, openStudio, stopStudio, test } from './support/studio.js';

test.describe.configure({ timeout: 240_000 });
test.skip(!existsSync(FASHION), 'needs Debian dataset-fashion-mnist');

const SHOTS = process.env.GRAFT_SHOTS_DIR ?? null;
const bagDir = join(REPO_ROOT, 'resources', 'datasets', 'fashion-mnist-5-9', 'test', 'Bag');
const sandalDir = join(REPO_ROOT, 'resources', 'datasets', 'fashion-mnist-5-9', 'test', 'Sandal');

test('a renamed class reaches the export, and images dropped on the Try panel get classes with probabilities', async ({ page }) => {
  const workspace = mkdtempSync(join(tmpdir(), 'graft-e2e-ws-'));
  const { url, child } = await launchStudio(['--workspace', workspace]);
  const errors = pageErrors(page);
  const keep = async (name: string) => {
    await shot(page, name);
    if (SHOTS) {
      mkdirSync(SHOTS, { recursive: true });
      await page.screenshot({ path: join(SHOTS, `${name}.png`) });
    }
  };
  try {
    await openStudio(page, url);
    await page.getByTestId('tab-try').click();
    await expect(page.getByTestId('try-empty')).toContainText('No runs yet');

    // A dropped text file is no dataset: the message names it and what is accepted, not the upload's folder.
    await page.getByTestId('tab-data').click();
    await expect(page.getByTestId('dataset-summary')).toContainText('5 classes');
    await dropFiles(page, 'drop-zone', [{ name: 'notes.txt', data: Buffer.from('my notes\n') }]);
    const banner = page.getByTestId('error-banner');
    await expect(banner).toContainText('"notes.txt": not a dataset');
    await expect(banner).toContainText('a folder of class folders');
    expect(await banner.textContent()).not.toContain('uploads');
    expect(await banner.textContent()).not.toContain(workspace);
    await banner.getByRole('button', { name: 'Dismiss error' }).click();

    // Rename "Bag" (the fourth of classes 5-9) in the class table.
    await page.getByTestId('rename-class-3').click();
    await page.getByTestId('class-name-input').fill('Handbag');
    await page.getByTestId('class-name-input').press('Enter');
    await expect(page.getByTestId('class-table')).toContainText('Handbag');
    await expect(page.getByTestId('rename-note')).toContainText('1 class renamed');

    await trainShortRun(page);
    await expect(page.getByTestId('confusion-matrix')).toContainText('Handbag');

    // The export's labels carry the new name.
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('download-export').click()]);
    const { model } = await readModelProto((await download.path())!);
    const names = JSON.parse(model.metadataProps.find((m) => m.key === 'class_names')!.value) as string[];
    expect(names).toEqual(['Sandal', 'Shirt', 'Sneaker', 'Handbag', 'Ankle boot']);

    // Try it: two test images and a damaged file, dropped on the panel.
    await page.getByTestId('tab-try').click();
    await expect(page.getByTestId('try-drop')).toBeVisible();
    const bag = readdirSync(bagDir).sort()[0];
    const sandal = readdirSync(sandalDir).sort()[0];
    await dropFiles(page, 'try-drop', [
      { name: `bag-${bag}`, data: readFileSync(join(bagDir, bag)) },
      { name: `sandal-${sandal}`, data: readFileSync(join(sandalDir, sandal)) },
      { name: 'broken.png', data: Buffer.from('not really a png') },
    ]);
    const cards = page.getByTestId('try-card');
    await expect(cards).toHaveCount(3, { timeout: 60_000 });
    for (const k of [0, 1]) {
      const bars = cards.nth(k).getByTestId('try-bars').locator('li');
      await expect(bars).toHaveCount(5);
      const probabilities = (await bars.evaluateAll((li) => li.map((l) => Number(l.getAttribute('data-probability'))))) as number[];
      expect(Math.abs(probabilities.reduce((a, b) => a + b, 0) - 1)).toBeLessThan(1e-4);
      // Best first.
      expect([...probabilities].sort((a, b) => b - a)).toEqual(probabilities);
    }
    await expect(cards.nth(0).getByTestId('try-bars')).toContainText('Handbag');
    const broken = cards.nth(2).getByTestId('try-error');
    await expect(broken).toContainText('not a readable image');
    expect(await broken.textContent()).not.toContain(workspace);
    await keep('try-dropped-images');

    // Samples the model never trained on, with the truth beside each prediction.
    await page.getByTestId('try-samples').click();
    await expect(cards).toHaveCount(8, { timeout: 90_000 });
    await expect(page.getByTestId('try-verdict')).toHaveCount(8);
    await keep('try-test-samples');
    expect(errors).toEqual([]);
  } finally {
    await stopStudio(child);
    rmSync(workspace, { recursive: true, force: true });
  }
});
