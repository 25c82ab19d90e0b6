// What the Electron preload exposes on window; absent in a browser (serve mode).
import type { ApiErrorData, ApiMethod, StudioEvent } from '../../../src-main/api/contract.js';

/** The envelope the WebSocket carries, minus the id. */
export type Envelope = { ok: true; result: unknown } | { ok: false; error: ApiErrorData };

export interface GraftBridge {
  invoke(method: ApiMethod, params: unknown[]): Promise<Envelope>;
  /** Engine events (run progress); returns an unsubscribe function. */
  onEvent(listener: (e: StudioEvent) => void): () => void;
  /** The path of a dropped or picked file (Electron's webUtils.getPathForFile). */
  pathForFile(file: File): string;
  /** The system's open or save dialog (desktop only); the chosen path, or null. */
  choosePath(kind: 'open-model' | 'open-dataset-folder' | 'open-dataset-file' | 'save-model', suggestedName?: string): Promise<string | null>;
}

declare global {
  interface Window {
    graft?: GraftBridge;
  }
}
