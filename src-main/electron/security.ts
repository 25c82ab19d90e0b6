// Hardening for every window: no navigation away from the app, no new windows, no
// permissions, no webviews; external links open in the system browser only when allowlisted.
import { app, shell } from 'electron';
import type { Session, WebContents } from 'electron';

/** Hosts whose https links may open in the user's browser. */
const EXTERNAL_HOSTS = new Set(['github.com', 'onnx.ai', 'onnxruntime.ai', 'pytorch.org']);

export function isAllowedExternal(url: string): boolean {
  try {
    const u = new URL(url);
    return u.protocol === 'https:' && EXTERNAL_HOSTS.has(u.hostname);
  } catch {
    return false;
  }
}

function openExternalIfAllowed(url: string): void {
  if (isAllowedExternal(url)) void shell.openExternal(url);
}

/** `isAppUrl` says whether a URL is the app's own renderer page. */
export function hardenContents(contents: WebContents, isAppUrl: (url: string) => boolean): void {
  contents.on('will-navigate', (event, url) => {
    if (isAppUrl(url)) return;
    event.preventDefault();
    openExternalIfAllowed(url);
  });
  contents.on('will-redirect', (event, url) => {
    if (!isAppUrl(url)) event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    openExternalIfAllowed(url);
    return { action: 'deny' };
  });
}

export function hardenSession(session: Session): void {
  session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
}

/** Applies to every web contents the app ever creates, as a backstop. */
export function hardenApp(isAppUrl: (url: string) => boolean): void {
  app.on('web-contents-created', (_event, contents) => hardenContents(contents, isAppUrl));
}
