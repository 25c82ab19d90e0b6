// `npm start`: the desktop app when the Electron binary is installed; otherwise the same UI
// in the browser through `graft serve`. Extra arguments go to the app (e.g. a model path).
import { spawnSync, spawn } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);

/** The Electron executable when `npm run setup:electron` has fetched it, else null. */
function electronBinary() {
  const pkg = join(root, 'node_modules', 'electron');
  const pathTxt = join(pkg, 'path.txt');
  if (!existsSync(pathTxt)) return null;
  const binary = join(pkg, 'dist', readFileSync(pathTxt, 'utf8').trim());
  return existsSync(binary) ? binary : null;
}

function newestMtime(path) {
  const info = statSync(path);
  if (!info.isDirectory()) return info.mtimeMs;
  let newest = 0;
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, entry)));
  return newest;
}

/** Runs a command to completion, exiting with its status when it fails. */
function run(command, commandArgs) {
  const r = spawnSync(command, commandArgs, { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

/** Runs a long-lived command, forwarding Ctrl-C and its exit status. */
function exec(command, commandArgs) {
  const child = spawn(command, commandArgs, { cwd: root, stdio: 'inherit' });
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}

const electron = electronBinary();
if (electron) {
  run(process.execPath, [join(root, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'), 'build']);
  // `electron .` starts package.json's main (out/main/index.js) as the app.
  exec(electron, ['.', ...args]);
} else {
  console.log('Electron binary not installed (run "npm run setup:electron" where GitHub is reachable); starting the studio in your browser instead: serve mode.');
  const index = join(root, 'out', 'web', 'index.html');
  const sources = [join(root, 'src-renderer'), join(root, 'src-main', 'api'), join(root, 'vite.web.config.ts')];
  if (!existsSync(index) || statSync(index).mtimeMs < Math.max(...sources.map(newestMtime))) {
    run(process.execPath, [join(root, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--config', 'vite.web.config.ts', '--logLevel', 'warn']);
  }
  exec(process.execPath, [join(root, 'bin', 'graft.js'), 'serve', ...args]);
}
