// What the page needs from whatever hosts it (the desktop app, or `graft serve` in a browser):
// the engine's API, its pushed events, and the host's own ways of getting files in and out.
// Panels and state reach it through src/host.ts only.
import type { ApiErrorData, ApiMethod, DialogKind, RpcOutcome, StudioApi, StudioEvent } from '../../../src-main/api/contract.js';
import type { PickedFile } from './uploads.js';

export interface Host {
  /** The engine's API; each call travels over the host's transport. */
  readonly api: StudioApi;
  /** Engine events (run progress); returns an unsubscribe function. */
  onEvent(listener: (e: StudioEvent) => void): () => void;
  /** The desktop app's file access: system dialogs and dropped files' paths. Null in a browser. */
  readonly desktop: DesktopFiles | null;
  /** A browser's file transfers over HTTP: uploads into the project, export downloads. Null on the desktop. */
  readonly web: WebTransfers | null;
}

export interface DesktopFiles {
  /** The path of a dropped or picked file. */
  pathForFile(file: File): string;
  /** The system's open or save dialog; the chosen path, or null. */
  choosePath(kind: DialogKind, suggestedName?: string): Promise<string | null>;
}

export interface WebTransfers {
  /** Uploads the files; resolves with the engine-side folder that holds them. */
  upload(files: PickedFile[], onProgress: (done: number, total: number) => void): Promise<string>;
  /** Downloads a run's exported model, saved under `fileName` (fetched with the page's token). */
  download(runId: string, fileName: string): Promise<void>;
}

/** An error that crossed the API boundary; `code` is stable, `message` is for a person. */
export class ApiError extends Error {
  readonly code: string;
  constructor(data: ApiErrorData) {
    super(data.message);
    this.name = 'ApiError';
    this.code = data.code;
  }
}

/** One call over a transport: its outcome, never a rejection for an engine-side error. */
export type Send = (method: ApiMethod, params: unknown[]) => Promise<RpcOutcome>;

function unwrap(outcome: RpcOutcome): unknown {
  if (outcome.ok) return outcome.result;
  throw new ApiError(outcome.error);
}

/**
 * The typed API over any transport: every property is the method of that name, sent as is.
 * The engine holds the method list (and refuses names it does not know), so the page needs
 * none. Names that JavaScript itself looks up (`then` when awaited, `toJSON`, Object's own)
 * are not methods, so the client is never mistaken for a promise or sends them.
 */
export function apiOver(send: Send): StudioApi {
  const methods = new Map<string, (...params: unknown[]) => Promise<unknown>>();
  return new Proxy({} as StudioApi, {
    get(target, key) {
      if (typeof key !== 'string' || key === 'then' || key === 'toJSON' || key in target) return Reflect.get(target, key);
      let m = methods.get(key);
      if (!m) {
        m = (...params: unknown[]) => send(key as ApiMethod, params).then(unwrap);
        methods.set(key, m);
      }
      return m;
    },
  });
}
