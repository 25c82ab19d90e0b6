// The desktop app as host: the preload's bridge on `window.graft` carries calls and events over
// IPC and gives dropped files' paths and the system's dialogs. The only reader of window.graft.
import type { ApiMethod, DialogKind, RpcOutcome, StudioEvent } from '../../../src-main/api/contract.js';
import { apiOver, type Host } from './client.js';

/** What the preload (src-main/preload) exposes on window; absent in a browser. */
export interface GraftBridge {
  invoke(method: ApiMethod, params: unknown[]): Promise<RpcOutcome>;
  onEvent(listener: (e: StudioEvent) => void): () => void;
  pathForFile(file: File): string;
  choosePath(kind: DialogKind, suggestedName?: string): Promise<string | null>;
}

declare global {
  interface Window {
    graft?: GraftBridge;
  }
}

/** The desktop host, or null when the page runs in a browser. */
export function electronHost(): Host | null {
  const bridge = window.graft;
  if (!bridge) return null;
  return {
    api: apiOver((method, params) => bridge.invoke(method, params)),
    onEvent: (listener) => bridge.onEvent(listener),
    desktop: { pathForFile: (file) => bridge.pathForFile(file), choosePath: (kind, name) => bridge.choosePath(kind, name) },
    web: null,
  };
}
