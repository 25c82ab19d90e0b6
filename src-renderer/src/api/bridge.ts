// What the Electron preload exposes on window; absent in a browser (serve mode).
import type { ApiErrorData, ApiMethod } from '../../../src-main/api/contract.js';

/** The envelope the WebSocket carries, minus the id. */
export type Envelope = { ok: true; result: unknown } | { ok: false; error: ApiErrorData };

export interface GraftBridge {
  invoke(method: ApiMethod, params: unknown[]): Promise<Envelope>;
}

declare global {
  interface Window {
    graft?: GraftBridge;
  }
}
