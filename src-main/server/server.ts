// `graft serve`: the studio UI over HTTP plus the API over one WebSocket, on loopback only.
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import type { RawData, WebSocket } from 'ws';
import type { RpcPush, RpcResponse, StudioApi, StudioEvent } from '../api/contract.js';
import { answerRequest } from '../api/validate.js';
import { API_PROTOCOL, hasValidBearer, hasValidProtocolToken, isAllowedHost, isAllowedOrigin, newToken } from './security.js';
import { sendText, serveStatic } from './static-files.js';
import { handleDownload, handleUpload, type TransferHooks } from './transfers.js';

export interface ServerOptions {
  /** 0 (the default) picks a free port. */
  port?: number;
  host?: '127.0.0.1';
  /** Random 32 hex characters when absent. */
  token?: string;
  service: StudioApi;
  /** Engine events pushed to every connected page; uploads and downloads. Absent: neither. */
  hooks?: TransferHooks & { onEvent(listener: (e: StudioEvent) => void): () => void };
  /** The built renderer (out/web). */
  staticDir: string;
}

export interface RunningServer {
  /** The URL to open: the token rides in its fragment, which the browser keeps to the page (no logs, no Referer). */
  url: string;
  port: number;
  token: string;
  close(): Promise<void>;
}

export const API_PATH = '/api';
export const UPLOAD_PREFIX = '/upload/';
export const DOWNLOAD_PREFIX = '/download/';
export const MAX_MESSAGE_BYTES = 1024 * 1024;
const UNAUTHORIZED = 'Unauthorized: open the URL that `graft serve` printed (it carries the token).\n';

export async function startServer(opts: ServerOptions): Promise<RunningServer> {
  const token = opts.token ?? newToken();
  const host = opts.host ?? '127.0.0.1';
  let port = 0;

  const http = createServer((req, res) => {
    handleHttp(req, res).catch(() => {
      if (!res.headersSent) sendText(res, 500, 'Internal error\n');
      else res.destroy();
    });
  });

  async function handleHttp(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!isAllowedHost(req.headers.host, port)) return sendText(res, 421, 'Misdirected request: unexpected Host header\n');
    if (!isAllowedOrigin(req.headers.origin, port)) return sendText(res, 403, 'Forbidden: foreign Origin\n');
    const url = requestUrl(req.url);
    if (!url) return sendText(res, 400, 'Bad request: unreadable path\n');
    const upload = url.pathname.startsWith(UPLOAD_PREFIX);
    if (req.method === 'PUT' && upload) {
      // Writes come from our page only: a browser always names the page's Origin on a PUT.
      if (req.headers.origin === undefined) return sendText(res, 403, 'Forbidden: an upload needs an Origin\n');
      if (!hasValidBearer(req, token)) return sendText(res, 401, UNAUTHORIZED);
      if (!opts.hooks) return sendText(res, 404, 'Not found\n');
      return handleUpload(req, res, url.pathname.slice(UPLOAD_PREFIX.length), opts.hooks);
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('Allow', upload ? 'PUT' : 'GET, HEAD');
      return sendText(res, 405, 'Method not allowed\n');
    }
    const engine = url.pathname === API_PATH || url.pathname.startsWith(DOWNLOAD_PREFIX);
    if (!engine) {
      // The page's own files are the installed UI, no secret: a browser loads them without the
      // token (it sits in the URL's fragment, which never reaches a server) and then names it on
      // every request that reaches the engine.
      return serveStatic(opts.staticDir, url.pathname, res, req.method === 'HEAD');
    }
    if (!hasValidBearer(req, token)) return sendText(res, 401, UNAUTHORIZED);
    // With the token, GET /api tells the page its token is good (a refused WebSocket says nothing why).
    if (url.pathname === API_PATH) return sendText(res, 426, 'Upgrade required: the API speaks WebSocket\n');
    if (opts.hooks) return handleDownload(res, url.pathname.slice(DOWNLOAD_PREFIX.length), opts.hooks, req.method === 'HEAD', url.searchParams.get('name'));
    return sendText(res, 404, 'Not found\n');
  }

  // The answer names the plain protocol, never the one that carries the token.
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES, handleProtocols: (offered) => (offered.has(API_PROTOCOL) ? API_PROTOCOL : false) });

  http.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    // A throw in an event listener would end the process: refuse the connection instead.
    try {
      upgrade(req, socket, head);
    } catch {
      socket.destroy();
    }
  });

  function upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const refuse = (status: number, text: string) => {
      socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: ${text.length + 1}\r\n\r\n${text}\n`);
    };
    socket.on('error', () => socket.destroy());
    if (requestUrl(req.url)?.pathname !== API_PATH) return refuse(404, 'Not Found');
    if (!isAllowedHost(req.headers.host, port)) return refuse(421, 'Misdirected Request');
    // Browsers always send Origin on a WebSocket handshake; a missing one is not a browser of ours.
    if (req.headers.origin === undefined || !isAllowedOrigin(req.headers.origin, port)) return refuse(403, 'Forbidden');
    if (!hasValidProtocolToken(req, token)) return refuse(401, 'Unauthorized');
    wss.handleUpgrade(req, socket, head, (ws) => attach(ws));
  }

  function attach(ws: WebSocket): void {
    ws.on('error', () => ws.terminate());
    const unsubscribe = opts.hooks?.onEvent((e) => {
      if (ws.readyState === ws.OPEN) ws.send(JSON.stringify({ push: e } satisfies RpcPush));
    });
    ws.on('close', () => unsubscribe?.());
    ws.on('message', (data: RawData, isBinary: boolean) => {
      void respond(ws, data, isBinary);
    });
  }

  /** Answers one message; whatever throws on the way is answered as an error, never left to kill the server. */
  async function respond(ws: WebSocket, data: RawData, isBinary: boolean): Promise<void> {
    let response: RpcResponse;
    let id = -1;
    try {
      const message = isBinary ? undefined : parseJson(rawToString(data));
      if (isBinary) response = { id, ok: false, error: { code: 'invalid-request', message: 'requests are JSON text, not binary' } };
      else if (message === undefined) response = { id, ok: false, error: { code: 'invalid-request', message: 'a request must be valid JSON' } };
      else {
        id = idOf(message);
        response = await answerRequest(opts.service, message);
      }
    } catch (err) {
      response = { id, ok: false, error: { code: 'internal', message: `the request could not be handled (${errorText(err)})` } };
    }
    if (ws.readyState !== ws.OPEN) return;
    let text: string;
    try {
      text = JSON.stringify(response);
    } catch (err) {
      text = JSON.stringify({ id: response.id, ok: false, error: { code: 'internal', message: `result could not be serialised: ${errorText(err)}` } });
    }
    ws.send(text);
  }

  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(opts.port ?? 0, host, () => {
      http.off('error', reject);
      resolve();
    });
  });
  port = (http.address() as AddressInfo).port;

  return {
    url: `http://127.0.0.1:${port}/#token=${token}`,
    port,
    token,
    async close() {
      for (const client of wss.clients) client.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
}

/** The request's path and query, read as a path on this server whatever it looks like; null when unreadable. */
function requestUrl(raw: string | undefined): URL | null {
  if (!raw?.startsWith('/')) return null;
  try {
    // Prefixed by our own origin, so "//host/x" stays the path "//host/x" instead of naming a host.
    return new URL(`http://localhost${raw}`);
  } catch {
    return null;
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** The request's id when it has a usable one, so even a failure answers the right call. */
function idOf(message: unknown): number {
  const id = typeof message === 'object' && message !== null ? (message as { id?: unknown }).id : undefined;
  return typeof id === 'number' && Number.isSafeInteger(id) ? id : -1;
}

/** A thrown value in words, even one whose own methods throw. */
function errorText(err: unknown): string {
  try {
    return err instanceof Error ? err.message : String(err);
  } catch {
    return 'an unprintable error';
  }
}

function rawToString(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  if (data instanceof ArrayBuffer) return Buffer.from(data).toString('utf8');
  return data.toString('utf8');
}
