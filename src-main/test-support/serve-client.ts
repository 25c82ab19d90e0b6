// A raw client of `graft serve` for tests: HTTP requests with any headers (even lying ones),
// WebSocket connections, and calls that wait for their own answer.
import { request } from 'node:http';
import type { IncomingHttpHeaders } from 'node:http';
import { connect as tcpConnect, type Socket } from 'node:net';
import { WebSocket } from 'ws';
import type { RpcResponse } from '../api/contract.js';

export interface Reply {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

/** One HTTP request; `host` defaults to the server's own, `body` is sent as given. */
export function http(port: number, method: string, path: string, headers: Record<string, string | number> = {}, body?: Buffer | string): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method, headers: { host: `127.0.0.1:${port}`, ...headers } }, (res) => {
      let text = '';
      res.setEncoding('latin1');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** How our page names the token: a Bearer header over HTTP... */
export function bearer(token: string): { authorization: string } {
  return { authorization: `Bearer ${token}` };
}

/** ...and the subprotocols it offers on the WebSocket (a browser cannot set other headers there). */
export function tokenProtocols(token: string): string[] {
  return ['graft', `graft-token.${token}`];
}

/** A WebSocket to /api offering `protocols`, or the HTTP status that refused it. */
export function openSocket(port: number, headers: Record<string, string>, path = '/api', protocols: string[] = []): Promise<WebSocket | number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}${path}`, protocols, { headers });
    ws.once('open', () => resolve(ws));
    ws.once('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      ws.terminate();
    });
    ws.once('error', reject);
  });
}

/** Sends one message and resolves with the answer that carries `id` (others are ignored). */
export function rpc(ws: WebSocket, id: number, payload: string | Buffer): Promise<RpcResponse> {
  return new Promise((resolve) => {
    const onMessage = (data: unknown) => {
      const msg = JSON.parse(String(data)) as RpcResponse;
      if (msg.id !== id) return;
      ws.off('message', onMessage);
      resolve(msg);
    };
    ws.on('message', onMessage);
    ws.send(payload);
  });
}

/** A raw TCP connection with whatever bytes a test writes, for slow and lying requests. */
export function rawSocket(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = tcpConnect(port, '127.0.0.1', () => resolve(s));
    s.once('error', reject);
  });
}

/** Everything a raw socket receives until it closes (or `ms` pass). */
export function readAll(s: Socket, ms = 5000): Promise<string> {
  return new Promise((resolve) => {
    let text = '';
    const done = () => {
      clearTimeout(timer);
      resolve(text);
    };
    const timer = setTimeout(done, ms);
    s.on('data', (c: Buffer) => (text += c.toString('latin1')));
    s.on('close', done);
    s.on('error', done);
  });
}
