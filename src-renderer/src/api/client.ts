// The renderer's one door to the engine: a StudioApi whose transport is Electron IPC when the
// preload bridge exists and a WebSocket to `graft serve` otherwise.
import type { ApiErrorData, ApiMethod, RpcPush, RpcResponse, StudioApi, StudioEvent } from '../../../src-main/api/contract.js';
import type { Envelope, GraftBridge } from './bridge.js';

/** An error that crossed the API boundary; `code` is stable, `message` is for a person. */
export class ApiError extends Error {
  readonly code: string;
  constructor(data: ApiErrorData) {
    super(data.message);
    this.name = 'ApiError';
    this.code = data.code;
  }
}

type Send = (method: ApiMethod, params: unknown[]) => Promise<Envelope>;

/** A transport: requests out, engine events in. */
export interface Transport {
  send: Send;
  onEvent(listener: (e: StudioEvent) => void): () => void;
}

/** The API plus the engine's pushed events. */
export interface StudioClient extends StudioApi {
  onEvent(listener: (e: StudioEvent) => void): () => void;
}

function unwrap(envelope: Envelope): unknown {
  if (envelope.ok) return envelope.result;
  throw new ApiError(envelope.error);
}

/** Builds the typed facade over any envelope-returning transport. */
function facade(transport: Transport): StudioClient {
  // One function per method: no arguments, or one request object.
  const m =
    <M extends ApiMethod>(method: M) =>
    (...params: unknown[]) =>
      transport.send(method, params).then(unwrap) as ReturnType<StudioApi[M]>;
  return {
    appInfo: m('appInfo'),
    listModels: m('listModels'),
    openModel: m('openModel'),
    probeModel: m('probeModel'),
    openDataset: m('openDataset'),
    datasetSamples: m('datasetSamples'),
    browse: m('browse'),
    startRun: m('startRun'),
    controlRun: m('controlRun'),
    listRuns: m('listRuns'),
    exportRun: m('exportRun'),
    loadProject: m('loadProject'),
    saveProject: m('saveProject'),
    listProjects: m('listProjects'),
    onEvent: (l) => transport.onEvent(l),
  };
}

export function ipcTransport(bridge: GraftBridge): Transport {
  return { send: (method, params) => bridge.invoke(method, params), onEvent: (l) => bridge.onEvent(l) };
}

interface Pending {
  resolve(envelope: Envelope): void;
  reject(err: Error): void;
}

/**
 * A request/response correlator over one WebSocket. It connects on first use; once the socket
 * closes, pending and later calls fail with a connection error (no reconnect yet).
 */
export function webSocketTransport(url: string): Transport {
  const pending = new Map<number, Pending>();
  const listeners = new Set<(e: StudioEvent) => void>();
  let nextId = 1;
  let socket: Promise<WebSocket> | null = null;
  let closedReason: string | null = null;

  const failAll = (reason: string) => {
    closedReason = reason;
    for (const p of pending.values()) p.reject(new ApiError({ code: 'disconnected', message: reason }));
    pending.clear();
  };

  const open = () =>
    new Promise<WebSocket>((resolve, reject) => {
      const ws = new WebSocket(url);
      ws.onopen = () => resolve(ws);
      ws.onerror = () => {
        // The close event follows with the details; refuse here for a socket that never opened.
        reject(new ApiError({ code: 'disconnected', message: `Cannot reach the studio engine at ${url}.` }));
      };
      ws.onclose = (ev) => {
        failAll(`The connection to the studio engine closed (code ${ev.code}${ev.reason ? `: ${ev.reason}` : ''}). Restart \`graft serve\` and reload the page.`);
      };
      ws.onmessage = (ev) => {
        let msg: RpcResponse | RpcPush;
        try {
          msg = JSON.parse(String(ev.data)) as RpcResponse | RpcPush;
        } catch {
          return;
        }
        if ('push' in msg) {
          for (const l of listeners) l(msg.push);
          return;
        }
        const p = pending.get(msg.id);
        if (!p) return;
        pending.delete(msg.id);
        p.resolve(msg.ok ? { ok: true, result: msg.result } : { ok: false, error: msg.error });
      };
    });

  const send: Send = async (method, params) => {
    if (closedReason) throw new ApiError({ code: 'disconnected', message: closedReason });
    socket ??= open();
    const ws = await socket;
    if (closedReason) throw new ApiError({ code: 'disconnected', message: closedReason });
    const id = nextId++;
    return new Promise<Envelope>((resolve, reject) => {
      pending.set(id, { resolve, reject });
      ws.send(JSON.stringify({ id, method, params }));
    });
  };
  return {
    send,
    onEvent(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

export function createClient(): StudioClient {
  if (window.graft) return facade(ipcTransport(window.graft));
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  return facade(webSocketTransport(`${scheme}//${location.host}/api`));
}
