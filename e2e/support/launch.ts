// Starts a studio server for the e2e tests and prints one line: `GRAFT_URL <url>`.
//   node --import tsx e2e/support/launch.ts [--fake] [--port P] [--root DIR]... [--workspace DIR] [MODEL]
// --fake serves synthetic models (no engine); otherwise it runs the real `runServe`.
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const args = process.argv.slice(2);
let fake = false;
let port = 0;
const roots: string[] = [];
let model: string | null = null;
let workspace: string | undefined;
for (let i = 0; i < args.length; i++) {
  const a = args[i];
  if (a === '--fake') fake = true;
  else if (a === '--port') port = Number(args[++i]);
  else if (a === '--root') roots.push(args[++i]);
  else if (a === '--workspace') workspace = args[++i];
  else model = a;
}

const staticDir = join(fileURLToPath(new URL('../..', import.meta.url)), 'out', 'web');

async function main(): Promise<{ url: string; close(): Promise<void> }> {
  if (fake) {
    const [{ startServer }, { createFakeService }] = await Promise.all([import('../../src-main/server/server.js'), import('./fake-service.js')]);
    return startServer({ port, service: createFakeService(model), staticDir });
  }
  const { runServe } = await import('../../src-main/server/serve-main.js');
  return runServe({ model, port, roots, staticDir, workspace });
}

main().then(
  (server) => {
    console.log(`GRAFT_URL ${server.url}`);
    const stop = () => void server.close().then(() => process.exit(0));
    process.on('SIGTERM', stop);
    process.on('SIGINT', stop);
  },
  (err: unknown) => {
    console.error(err instanceof Error ? err.message : String(err));
    process.exit(1);
  },
);
