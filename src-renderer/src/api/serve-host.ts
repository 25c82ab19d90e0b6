// `graft serve` as host: calls and events over one WebSocket to the engine, dropped files
// uploaded over HTTP into the project, and exports downloaded from it.
import type { RpcOutcome, RpcPush, RpcResponse, StudioEvent } from '../../../src-main/api/contract.js';
import { ApiError, apiOver, type Host, type Send } from './client.js';
import { uploadFiles } from './uploads.js';

interface Pending {
  resolve(outcome: RpcOutcome): void;
  reject(err: Error): void;
}

interface Transport {
  send: Send;
  onEvent(listener: (e: StudioEvent) => void): () => void;
}

/**
 * A request/response correlator over one WebSocket. It connects on first use; once the socket
 * closes, pending and later calls fail with a connection error (no reconnect yet).
 */
function webSocketTransport(url: string): Transport {
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
    return new Promise<RpcOutcome>((resolve, reject) => {
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

/** The browser host, talking to the `graft serve` that served this page. */
export function serveHost(): Host {
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  const transport = webSocketTransport(`${scheme}//${location.host}/api`);
  return {
    api: apiOver(transport.send),
    onEvent: (listener) => transport.onEvent(listener),
    desktop: null,
    web: { upload: uploadFiles, downloadUrl: (runId, fileName) => `download/run/${runId}?name=${encodeURIComponent(fileName)}` },
  };
}
