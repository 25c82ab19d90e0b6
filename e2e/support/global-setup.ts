// Builds the web UI when out/web is missing or older than the renderer sources.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from './paths.js';

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(full) : statSync(full).mtimeMs);
  }
  return newest;
}

export default function globalSetup(): void {
  const index = join(REPO_ROOT, 'out', 'web', 'index.html');
  const sources = [join(REPO_ROOT, 'src-renderer'), join(REPO_ROOT, 'src-main', 'api')];
  const stale = !existsSync(index) || statSync(index).mtimeMs < Math.max(...sources.map(newestMtime), statSync(join(REPO_ROOT, 'vite.web.config.ts')).mtimeMs);
  if (stale) {
    console.log('e2e: building the web UI (npm run build:web)');
    execFileSync('npm', ['run', 'build:web'], { cwd: REPO_ROOT, stdio: 'inherit' });
  }
}
