// The desktop shell: one hardened window on the renderer, and the studio service behind the
// `graft:invoke` IPC channel. Sessions never run here (the service starts worker processes).
import { app, BrowserWindow, ipcMain, session } from 'electron';
import type { IpcMainInvokeEvent } from 'electron';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { RpcOutcome, StudioApi } from '../api/contract.js';
import type { StudioService } from '../node/studio/service.js';
import { checkCall, invokeChecked } from '../api/validate.js';
import { defaultModelPath } from '../node/resources.js';
import { createStudioService } from '../node/studio/service.js';
import { serveDialogs } from './dialogs.js';
import { utilityLauncher } from './utility-launcher.js';
import { hardenApp, hardenSession } from './security.js';

export const INVOKE_CHANNEL = 'graft:invoke';
export const EVENT_CHANNEL = 'graft:event';

const here = dirname(fileURLToPath(import.meta.url));
const devServerUrl = process.env.ELECTRON_RENDERER_URL ?? null;
const rendererFile = join(here, '..', 'renderer', 'index.html');
const rendererFileUrl = pathToFileURL(rendererFile).href;

/** The app's own page: the built renderer file, or the dev server in `electron-vite dev`. */
function isAppUrl(url: string): boolean {
  try {
    const u = new URL(url);
    if (devServerUrl) return u.origin === new URL(devServerUrl).origin;
    return u.protocol === 'file:' && `${u.protocol}//${u.host}${u.pathname}` === rendererFileUrl;
  } catch {
    return false;
  }
}

/** A model path given on the command line (`electron . model.onnx`), else the bundled default. */
function initialModelFromArgv(): string | null {
  const args = process.argv.slice(app.isPackaged ? 1 : 2).filter((a) => !a.startsWith('-'));
  const candidate = args.find((a) => a.toLowerCase().endsWith('.onnx'));
  if (candidate) return resolve(candidate);
  return existsSync(defaultModelPath) ? defaultModelPath : null;
}

/** Only the app's own top-level page may call the engine, never an iframe or a page that got navigated elsewhere. */
function isAppFrame(event: IpcMainInvokeEvent): boolean {
  const frame = event.senderFrame;
  return !!frame && frame.parent === null && isAppUrl(frame.url);
}

function serveIpc(service: StudioApi): void {
  ipcMain.handle(INVOKE_CHANNEL, async (event: IpcMainInvokeEvent, method: unknown, params: unknown): Promise<RpcOutcome> => {
    if (!isAppFrame(event)) {
      return { ok: false, error: { code: 'forbidden', message: 'this page may not call the studio engine' } };
    }
    const call = checkCall(method, params);
    if (!call.ok) return { ok: false, error: call.error };
    return invokeChecked(service, call.method, call.params);
  });
}

function createWindow(): BrowserWindow {
  const win = new BrowserWindow({
    width: 1440,
    height: 900,
    minWidth: 900,
    minHeight: 600,
    title: 'Graft',
    show: false,
    backgroundColor: '#f5f6f8',
    webPreferences: {
      preload: join(here, '..', 'preload', 'index.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      spellcheck: false,
    },
  });
  win.once('ready-to-show', () => win.show());
  if (devServerUrl) void win.loadURL(devServerUrl);
  else void win.loadFile(rendererFile);
  return win;
}

app.enableSandbox();
hardenApp(isAppUrl);

app.whenReady().then(() => {
  hardenSession(session.defaultSession);
  const service = createStudioService({
    mode: 'electron',
    initialModel: initialModelFromArgv(),
    roots: [],
    // GRAFT_WORKSPACE keeps tests (and a second profile) out of the user's projects.
    workspace: process.env.GRAFT_WORKSPACE || join(app.getPath('userData'), 'workspace'),
    launcher: utilityLauncher,
  });
  serveIpc(service);
  serveDialogs(isAppFrame);
  pushEvents(service);
  createWindow();
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) createWindow();
  });
  app.on('before-quit', () => service.close());
});

/** Run progress to every window showing the app's own page. */
function pushEvents(service: StudioService): void {
  service.onEvent((e) => {
    for (const win of BrowserWindow.getAllWindows()) {
      const wc = win.webContents;
      if (!wc.isDestroyed() && isAppUrl(wc.getURL())) wc.send(EVENT_CHANNEL, e);
    }
  });
}

app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit();
});
