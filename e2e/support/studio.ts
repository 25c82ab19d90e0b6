// Test fixtures: a `graft serve` process per test file (worker), started from source with tsx,
// and a page that has already taken the token from the URL's fragment.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { test as base, expect } from '@playwright/test';
import type { Page } from '@playwright/test';
import { REPO_ROOT, RESNET18 } from './paths.js';

export interface Studio {
  /** The URL with the token, as `graft serve` prints it. */
  url: string;
  /** http://127.0.0.1:PORT */
  origin: string;
  /** An allowed root holding `broken.onnx` (random bytes). */
  root: string;
  brokenModel: string;
}

/**
 * Starts a studio server and waits for the URL it prints. The real engine runs through the
 * CLI exactly as a user starts it (`graft serve`); `--fake` runs e2e/support/launch.ts with
 * the synthetic service.
 */
export async function launchStudio(args: string[]): Promise<{ url: string; child: ChildProcess }> {
  const fake = args.includes('--fake');
  const command = fake ? ['--import', 'tsx', 'e2e/support/launch.ts', ...args] : ['bin/graft.js', 'serve', '--port', '0', ...args];
  const child = spawn(process.execPath, command, {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the studio server did not start within 60 s:\n${log}`)), 60_000);
    child.stdout!.setEncoding('utf8');
    child.stderr!.setEncoding('utf8');
    child.stdout!.on('data', (chunk: string) => {
      log += chunk;
      const m = /(http:\/\/127\.0\.0\.1:\d+\/#token=[0-9a-f]+)/.exec(log);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    child.stderr!.on('data', (chunk: string) => (log += chunk));
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the studio server exited (${code}) before printing its URL:\n${log}`));
    });
  });
  // Keep draining output so the child never blocks on a full pipe.
  child.stdout!.resume();
  child.stderr!.resume();
  return { url, child };
}

export async function stopStudio(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
  await exited;
  clearTimeout(timer);
}

/** Loads the UI and waits until it has talked to the engine (and opened any initial model). */
export async function openStudio(page: Page, url: string): Promise<void> {
  await page.goto(url);
  await expect(page.locator('.app[data-started="true"]')).toBeVisible();
}

function studioFixture(extraArgs: string[]) {
  // Playwright reads the fixture's dependencies from its first parameter: none here.
  // eslint-disable-next-line no-empty-pattern
  return async ({}, use: (s: Studio) => Promise<void>) => {
    const root = mkdtempSync(join(tmpdir(), 'graft-e2e-'));
    const brokenModel = join(root, 'broken.onnx');
    writeFileSync(brokenModel, randomBytes(4096));
    // Projects and runs go to a folder of the test's own, never the user's workspace.
    const { url, child } = await launchStudio(['--root', root, '--workspace', join(root, 'workspace'), ...extraArgs]);
    try {
      await use({ url, origin: new URL(url).origin, root, brokenModel });
    } finally {
      await stopStudio(child);
      rmSync(root, { recursive: true, force: true });
    }
  };
}

/** Fixtures against the real engine, allowed to open the ResNet-18 fixture. */
export const test = base.extend<{ studioPage: Studio }, { studio: Studio }>({
  studio: [studioFixture(['--root', dirname(RESNET18)]), { scope: 'worker', timeout: 90_000 }],
  studioPage: async ({ studio, page }, use) => {
    await openStudio(page, studio.url);
    await use(studio);
  },
});

/** Fixtures against the synthetic service (UI behaviour without the engine). */
export const fakeTest = base.extend<{ studioPage: Studio }, { studio: Studio }>({
  studio: [studioFixture(['--fake']), { scope: 'worker', timeout: 90_000 }],
  studioPage: async ({ studio, page }, use) => {
    await openStudio(page, studio.url);
    await use(studio);
  },
});

export { expect };
