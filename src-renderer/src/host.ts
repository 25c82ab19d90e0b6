// The one host of this page: the desktop app when its preload bridge is there, else the
// `graft serve` that served it. Panels and state take the engine and file access from here.
import type { Host } from './api/client.js';
import { electronHost } from './api/electron-host.js';
import { serveHost } from './api/serve-host.js';

export type { Host };

export const host: Host = electronHost() ?? serveHost();
