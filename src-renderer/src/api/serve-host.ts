// `graft serve` as host: calls and events over one WebSocket to the engine, dropped files
// uploaded over HTTP into the project, and exports downloaded from it. Each of them names the
// page's token (serve-token.ts): the server answers nothing of the engine without it.
import type { RpcOutcome, RpcPush, RpcResponse, StudioEvent } from '../../../src-main/api/contract.js';
import { ApiError, apiOver, type Host, type Send } from './client.js';
import { authHeaders, loginToken, tokenProtocols, UNAUTHORIZED_MESSAGE } from './serve-token.js';
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
function webSocketTransport(url: string, token: string | null): Transport {
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
      const ws = new WebSocket(url, tokenProtocols(token));
      let opened = false;
      ws.onopen = () => {
        opened = true;
        resolve(ws);
      };
      ws.onclose = (ev) => {
        if (opened) {
          failAll(`The connection to the studio engine closed (code ${ev.code}${ev.reason ? `: ${ev.reason}` : ''}). Restart \`graft serve\` and reload the page.`);
          return;
        }
        // Refused before it opened: say whether the token was why (a refused handshake tells the
        // page nothing), for this call and every later one.
        void whyUnreachable(url, token).then((message) => {
          failAll(message);
          reject(new ApiError({ code: 'disconnected', message }));
        });
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

/** Why the WebSocket did not open: a missing or stale token, or no engine at all. */
async function whyUnreachable(url: string, token: string | null): Promise<string> {
  if (!token) return UNAUTHORIZED_MESSAGE;
  const check = await fetch('/api', { headers: authHeaders(token), cache: 'no-store' }).catch(() => null);
  return check?.status === 401 ? UNAUTHORIZED_MESSAGE : `Cannot reach the studio engine at ${url}.`;
}

/**
 * Fetches a run's export with the token and hands it to the browser as a download. A plain link
 * cannot carry the token header, so the file passes through a blob (exports are model-sized).
 */
async function downloadExport(token: string | null, runId: string, fileName: string): Promise<void> {
  const res = await fetch(`/download/run/${encodeURIComponent(runId)}?name=${encodeURIComponent(fileName)}`, { headers: authHeaders(token), cache: 'no-store' });
  if (res.status === 401) throw new Error(UNAUTHORIZED_MESSAGE);
  if (!res.ok) throw new Error((await res.text()).trim() || res.statusText);
  const href = URL.createObjectURL(await res.blob());
  const a = document.createElement('a');
  a.href = href;
  a.download = fileName;
  a.style.display = 'none';
  document.body.append(a);
  a.click();
  a.remove();
  // The browser has taken its copy once the click's download started; keep the blob a moment longer.
  setTimeout(() => URL.revokeObjectURL(href), 60_000);
}

/** The browser host, talking to the `graft serve` that served this page. */
export function serveHost(): Host {
  const token = loginToken();
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  const transport = webSocketTransport(`${scheme}//${location.host}/api`, token);
  return {
    api: apiOver(transport.send),
    onEvent: (listener) => transport.onEvent(listener),
    desktop: null,
    web: {
      upload: (files, onProgress) => uploadFiles(files, onProgress, authHeaders(token)),
      download: (runId, fileName) => downloadExport(token, runId, fileName),
    },
  };
}
