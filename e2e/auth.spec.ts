// `graft serve` answers nothing but 401 to a browser that was not handed the token.
import { expect, test } from './support/studio.js';

test('without the token the page is refused', async ({ page, studio }) => {
  const response = await page.goto(`${studio.origin}/`);
  expect(response?.status()).toBe(401);
  await expect(page.locator('body')).toContainText('Unauthorized');

  const wrong = await page.goto(`${studio.origin}/?token=${'0'.repeat(32)}`);
  expect(wrong?.status()).toBe(401);
});

test('the token is swapped for a cookie and leaves the address bar', async ({ page, studio }) => {
  await page.goto(studio.url);
  expect(page.url()).toBe(`${studio.origin}/`);
  const cookies = await page.context().cookies();
  const auth = cookies.find((c) => c.name === `graft_token_${new URL(studio.origin).port}`);
  expect(auth?.httpOnly).toBe(true);
  expect(auth?.sameSite).toBe('Strict');
  await expect(page.getByText('Graft', { exact: true })).toBeVisible();
});
