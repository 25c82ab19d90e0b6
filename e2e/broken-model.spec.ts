// A file that is not an ONNX model gives a specific error, and the app stays usable.
import { RESNET18 } from './support/paths.js';
import { expect, test } from './support/studio.js';

test('a broken model shows a clear error and the studio can still open another', async ({ page, studio, studioPage: _ }) => {
  // `graft serve` opened its default model first (the fixture waited for it).
  const summary = page.getByTestId('model-summary');
  const before = await summary.textContent();
  await page.getByTestId('open-path-input').fill(studio.brokenModel);
  await page.getByTestId('open-path-button').click();

  const banner = page.getByTestId('error-banner');
  await expect(banner).toBeVisible();
  await expect(banner).toContainText(`Opening ${studio.brokenModel} failed`);
  // The engine's message, not a generic one: it names the file.
  await expect(banner.locator('.error-message')).toContainText('broken.onnx');
  // Whatever was open before stays open.
  await expect(summary).toHaveText(before ?? '');

  await page.getByTestId('open-path-input').fill(RESNET18);
  await page.getByTestId('open-path-button').click();
  await expect(page.getByTestId('block-layer1')).toBeVisible();
  await expect(page.getByTestId('block-fc')).toBeVisible();
  await expect(banner).toHaveCount(0);
});

test('a path outside the allowed folders is refused with a reason', async ({ page, studioPage: _ }) => {
  await page.getByTestId('open-path-input').fill('/etc/passwd');
  await page.getByTestId('open-path-button').click();
  const banner = page.getByTestId('error-banner');
  await expect(banner).toBeVisible();
  await expect(banner.locator('.error-code')).not.toHaveText('internal');
  await page.getByRole('button', { name: 'Dismiss error' }).click();
  await expect(banner).toHaveCount(0);
});
