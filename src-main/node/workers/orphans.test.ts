// A worker whose parent is killed exits too (issue: trainers outlived a killed server).
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, expect, it } from 'vitest';
import { repoRoot } from '../../test-support/fixtures.js';

const work = mkdtempSync(join(tmpdir(), 'graft-orphans-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

it('a busy worker exits when its parent is killed with SIGKILL', async () => {
  // The worker: the real parent-link module, then endless work (as a long training run).
  const worker = join(work, 'busy-worker.ts');
  writeFileSync(worker, `import ${JSON.stringify(pathToFileURL(join(repoRoot, 'src-main/node/workers/parent.ts')).href)};\nconsole.log(process.pid);\nsetInterval(() => {}, 50);\n`);
  // The parent: starts it the way the studio does, then waits to be killed.
  const parent = join(work, 'parent.ts');
  const launcher = pathToFileURL(join(repoRoot, 'src-main/node/worker-process.ts')).href;
  writeFileSync(parent, `import { forkLauncher } from ${JSON.stringify(launcher)};\nforkLauncher(${JSON.stringify(worker)});\nsetInterval(() => {}, 1000);\n`);
  const p = spawn(process.execPath, ['--import', 'tsx', parent], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'inherit'] });
  const childPid = await new Promise<number>((resolve) => p.stdout.once('data', (d) => resolve(Number(String(d).trim()))));
  await new Promise((r) => setTimeout(r, 300));
  expect(alive(childPid)).toBe(true);
  p.kill('SIGKILL');
  const deadline = Date.now() + 10_000;
  while (alive(childPid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  const survived = alive(childPid);
  if (survived) process.kill(childPid, 'SIGKILL');
  expect(survived).toBe(false);
});
