// `graft serve`'s login: the token arrives in the URL's fragment, stays in the page's own origin
// (one port), and reaches the engine in request headers only, never in a cookie that the
// browser would also send to every other port of 127.0.0.1.
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect, test } from './support/studio.js';

test('without the token the page reaches nothing of the engine and says why', async ({ page, studio }) => {
  const response = await page.goto(`${studio.origin}/`);
  // The page itself is the installed UI, no secret; the engine behind it refuses.
  expect(response?.status()).toBe(200);
  await expect(page.getByTestId('error-banner')).toContainText('Unauthorized');
  expect((await page.request.get(`${studio.origin}/api`)).status()).toBe(401);

  await page.goto('about:blank');
  await page.goto(`${studio.origin}/#token=${'0'.repeat(32)}`);
  await expect(page.getByTestId('error-banner')).toContainText('Unauthorized');
});

test('the token leaves the address bar, sets no cookie and never reaches another port', async ({ page, studio }) => {
  const token = new URL(studio.url).hash.replace('#token=', '');
  // Another local service, as a user might run beside the studio: it records what it receives.
  const seen: IncomingHttpHeaders[] = [];
  const other = createServer((req, res) => {
    seen.push(req.headers);
    res.writeHead(200, { 'Content-Type': 'text/html' }).end('<title>other</title>');
  });
  await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
  const otherOrigin = `http://127.0.0.1:${(other.address() as AddressInfo).port}`;
  try {
    await page.goto(studio.url);
    await expect(page.locator('.app[data-started="true"]')).toBeVisible();
    expect(page.url()).toBe(`${studio.origin}/`);
    await expect(page.getByTestId('error-banner')).toHaveCount(0);
    expect(await page.context().cookies()).toEqual([]);

    // The same browser opens the other service: no header it gets carries the token, and its
    // page cannot read the studio's storage.
    const second = await page.context().newPage();
    await second.goto(`${otherOrigin}/`);
    expect(await second.evaluate(() => Object.keys(localStorage))).toEqual([]);
    expect(seen.length).toBeGreaterThan(0);
    expect(JSON.stringify(seen)).not.toContain(token);
    await second.close();

    // A reload keeps the login (the token stays in this origin's storage).
    await page.reload();
    await expect(page.locator('.app[data-started="true"]')).toBeVisible();
    await expect(page.getByTestId('error-banner')).toHaveCount(0);
  } finally {
    await new Promise<void>((resolve) => other.close(() => resolve()));
  }
});
