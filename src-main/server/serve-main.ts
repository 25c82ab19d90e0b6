// Entry used by the CLI's `graft serve`: the engine service plus the HTTP/WebSocket server.
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createStudioService } from '../node/studio/service.js';
import { startServer } from './server.js';

/** The repository root: this file runs from source (tsx), two folders below it. */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const DEFAULT_STATIC_DIR = join(REPO_ROOT, 'out', 'web');

export interface ServeOptions {
  model: string | null;
  port: number;
  roots: string[];
  staticDir?: string;
  workspace?: string;
}

export async function runServe(opts: ServeOptions): Promise<{ url: string; close(): Promise<void> }> {
  const staticDir = opts.staticDir ?? DEFAULT_STATIC_DIR;
  if (!existsSync(join(staticDir, 'index.html'))) {
    throw new Error(`The web UI is not built (${staticDir}/index.html is missing): run "npm run build:web" first.`);
  }
  const service = createStudioService({
    mode: 'serve',
    initialModel: opts.model === null ? null : resolve(opts.model),
    roots: opts.roots.map((r) => resolve(r)),
    ...(opts.workspace ? { workspace: resolve(opts.workspace) } : {}),
    warmPreviews: true,
  });
  const server = await startServer({ port: opts.port, service, hooks: service, staticDir });
  return {
    url: server.url,
    close: async () => {
      service.close();
      await server.close();
    },
  };
}
