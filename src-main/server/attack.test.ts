// The serve-mode attack suite (issue 12): auth, Host and Origin, traversal in every encoding,
// deep, oversized and mistyped messages, slow and lying bodies, and 200 connections at once,
// against the real studio service. After each attack the server must still answer.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { WebSocket } from 'ws';
import { createStudioService, type StudioService } from '../node/studio/service.js';
import { defaultModelPath } from '../node/resources.js';
import { bearer, http, openSocket, rawSocket, readAll, rpc, tokenProtocols } from '../test-support/serve-client.js';
import { startServer, type RunningServer } from './server.js';

const SECRET = 'outside the served folders';
let base: string;
let service: StudioService;
let server: RunningServer;
let port: number;
let good: Record<string, string>;

async function socket(headers = good): Promise<WebSocket> {
  const ws = await openSocket(port, headers, '/api', tokenProtocols(server.token));
  if (typeof ws === 'number') throw new Error(`refused: ${ws}`);
  return ws;
}

/** The server still serves the page and answers a call. */
async function stillAnswers(): Promise<void> {
  expect((await http(port, 'GET', '/', good)).status).toBe(200);
  const ws = await socket();
  expect(await rpc(ws, 999, JSON.stringify({ id: 999, method: 'appInfo', params: [] }))).toMatchObject({ id: 999, ok: true, result: { mode: 'serve' } });
  ws.close();
}

/** Every file below the scratch folder, so a test can prove nothing was written. */
const filesBelow = (dir: string): string[] => (readdirSync(dir, { recursive: true }) as string[]).sort();

beforeAll(async () => {
  base = mkdtempSync(join(tmpdir(), 'graft-attack-'));
  const web = join(base, 'web');
  mkdirSync(join(web, 'assets'), { recursive: true });
  writeFileSync(join(web, 'index.html'), '<!doctype html><title>Graft</title>');
  writeFileSync(join(base, 'secret.txt'), SECRET);
  service = createStudioService({ mode: 'serve', initialModel: defaultModelPath, roots: [], workspace: join(base, 'ws') });
  server = await startServer({ service, hooks: service, staticDir: web });
  port = server.port;
  good = { ...bearer(server.token), origin: `http://127.0.0.1:${port}` };
});

afterEach(stillAnswers);

afterAll(async () => {
  await server.close();
  service.close();
  rmSync(base, { recursive: true, force: true });
});

describe('auth, Host and Origin', () => {
  it('refuses every engine request without the token in its header, the old per-port cookie included', async () => {
    // The cookies an older studio set: a browser sends them to every port of 127.0.0.1.
    const cookie = `graft_token_${port}=${server.token}; graft_token=${server.token}`;
    const wrong = [undefined, '', '0'.repeat(32), server.token.toUpperCase(), `${server.token}x`, server.token.slice(1)];
    for (const t of wrong) {
      const h: Record<string, string> = { cookie, ...(t === undefined ? {} : { authorization: `Bearer ${t}` }) };
      for (const path of ['/download/run/x', '/api']) expect((await http(port, 'GET', path, h)).status, `${path} ${t}`).toBe(401);
      expect((await http(port, 'PUT', '/upload/batch-0001/x.png', { ...h, origin: good.origin, 'content-length': 1 }, 'x')).status, t).toBe(401);
      expect(await openSocket(port, { cookie, origin: good.origin }, '/api', t === undefined ? ['graft'] : tokenProtocols(t)), t).toBe(401);
    }
    // The right token anywhere but its own place: a query, another scheme, the Bearer header on a WebSocket.
    expect((await http(port, 'GET', `/download/run/x?token=${server.token}`)).status).toBe(401);
    expect((await http(port, 'GET', '/api', { authorization: `Basic ${server.token}` })).status).toBe(401);
    expect(await openSocket(port, good, '/api', ['graft'])).toBe(401);
    // With it: the engine's routes answer (no such run; the API wants a WebSocket), and set no cookie.
    const download = await http(port, 'GET', '/download/run/x', good);
    expect(download.status).toBe(404);
    expect((await http(port, 'GET', '/api', good)).status).toBe(426);
    // The page's own files are the installed UI, served without the token.
    const page = await http(port, 'GET', '/');
    expect(page.status).toBe(200);
    for (const r of [download, page]) expect(r.headers['set-cookie']).toBeUndefined();
    // The WebSocket's answer names the plain protocol, never echoing the token.
    const ws = await socket();
    expect(ws.protocol).toBe('graft');
    ws.close();
  });

  it('refuses foreign Host and Origin headers (DNS rebinding, other sites, other ports)', async () => {
    for (const host of ['evil.example', `evil.example:${port}`, `127.0.0.1:${port + 1}`, `127.0.0.1.evil.example:${port}`, `[::1]:${port}`, `localhost:${port}.evil`]) {
      expect((await http(port, 'GET', '/', { ...good, host })).status, host).toBe(421);
      expect(await openSocket(port, { ...good, host }, '/api', tokenProtocols(server.token)), host).toBe(421);
    }
    for (const origin of ['null', 'http://evil.example', `https://127.0.0.1:${port}`, `http://127.0.0.1:${port + 1}`, `http://127.0.0.1:${port}.evil.example`, `http://localhost:${port}@evil.example`]) {
      expect((await http(port, 'GET', '/', { ...good, origin })).status, origin).toBe(403);
      expect(await openSocket(port, { ...good, origin }, '/api', tokenProtocols(server.token)), origin).toBe(403);
    }
    // A WebSocket needs an Origin; an upgrade to any other path is not the API.
    expect(await openSocket(port, bearer(server.token), '/api', tokenProtocols(server.token))).toBe(403);
    expect(await openSocket(port, good, '/other', tokenProtocols(server.token))).toBe(404);
    // Paths that are no URL at all: refused, never thrown out of the request handler.
    for (const path of ['//', '//:0', '/%']) {
      expect(await openSocket(port, good, path, tokenProtocols(server.token)), path).toBe(404);
      expect((await http(port, 'GET', path, good)).status, path).toBeGreaterThanOrEqual(400);
    }
  });
});

describe('traversal in every encoding', () => {
  const escapes = ['../secret.txt', '%2e%2e/secret.txt', '%2E%2E%2Fsecret.txt', '..%2fsecret.txt', '..%5csecret.txt', '%252e%252e%252fsecret.txt', '%c0%ae%c0%ae/secret.txt', '%e0%80%ae%e0%80%ae/secret.txt', '.%2e/secret.txt', '%uff0e%uff0e/secret.txt', '．．/secret.txt', '..%00/secret.txt', '..\\secret.txt', '/..//secret.txt', 'assets/../../secret.txt'];

  it('serves no file outside the static folder', async () => {
    for (const e of escapes) {
      const r = await http(port, 'GET', `/${encodeURI(e).replace(/%25/g, '%')}`, good).catch(() => null);
      if (r) expect(r.body, e).not.toContain(SECRET);
    }
  });

  it('writes no upload outside the uploads folder and downloads nothing but run exports', async () => {
    const before = filesBelow(base);
    for (const e of escapes) {
      const path = `/upload/batch-0001/${encodeURI(e).replace(/%25/g, '%')}`;
      const r = await http(port, 'PUT', path, { ...good, 'content-length': 7 }, 'escaped').catch(() => null);
      // Refused, or (a double-encoded or look-alike name is just a name) written inside the batch.
      if (r?.status === 201) expect((JSON.parse(r.body) as { path: string }).path.startsWith(join(base, 'ws', 'projects', 'untitled', 'uploads', 'batch-0001') + '/'), path).toBe(true);
      else if (r) expect([400, 403, 404, 409], `${path} → ${r.status}`).toContain(r.status);
      const d = await http(port, 'GET', `/download/run/${encodeURI(e).replace(/%25/g, '%')}`, good).catch(() => null);
      if (d) expect(d.status, e).toBe(404);
    }
    expect(filesBelow(base).filter((f) => !f.startsWith('ws'))).toEqual(before.filter((f) => !f.startsWith('ws')));
    expect(existsSync(join(base, 'ws', 'projects', 'untitled', 'secret.txt'))).toBe(false);
  });
});

describe('deep, oversized and mistyped messages', () => {
  it('answers each with an error and keeps the connection', async () => {
    const ws = await socket();
    const deep = `${'['.repeat(6000)}0${']'.repeat(6000)}`;
    const bad: [number, string][] = [
      [1, `{"id":1,"method":"openModel","params":[{"path":"/m.onnx","edits":[{"kind":"freeze","blocks":${deep}}]}]}`],
      [2, `{"id":2,"method":"saveProject","params":[{"project":{"name":"p","edits":${deep}}}]}`],
      [3, `{"id":3,"method":"startRun","params":[{"config":{"model":"/m","data":"/d","lrMultipliers":${deep}}}]}`],
      [4, `{"id":4,"method":"openModel","params":${deep}}`],
      [5, JSON.stringify({ id: 5, method: 'openModel', params: [{ path: ['/m.onnx'] }] })],
      [6, JSON.stringify({ id: 6, method: 'datasetSamples', params: [{ path: '/d', model: '/m', options: { valFraction: '0.1' }, split: 'train', indices: [] }] })],
      [7, JSON.stringify({ id: 7, method: 'controlRun', params: [{ id: { $ne: null }, action: 'stop' }] })],
      [8, JSON.stringify({ id: 8, method: 'saveProject', params: [{ project: { name: 'p'.repeat(10_000) } }] })],
      [9, JSON.stringify({ id: 9, method: 'browse', params: [{ path: 'x'.repeat(100_000) }] })],
      [10, JSON.stringify({ id: 10, method: '__proto__', params: [] })],
      [11, JSON.stringify({ id: 11, method: 'startRun', params: [{ config: { model: '/m', data: { path: '/d', options: { classes: null, perClassLimit: null, valFraction: 0.1, seed: 0 } }, epochs: 1e308 } }] })],
    ];
    for (const [id, payload] of bad) {
      const r = await rpc(ws, id, payload);
      expect(r.ok, payload.slice(0, 60)).toBe(false);
      if (!r.ok) expect(r.error.code, payload.slice(0, 60)).toBe('invalid-request');
    }
    // Not JSON, not an object, binary: answered with id -1.
    for (const payload of ['{"id":', 'null', '"text"', '[1,2]', Buffer.from([0xff, 0xfe, 0x00])]) expect((await rpc(ws, -1, payload)).ok).toBe(false);
    ws.close();
  });

  it('closes the socket on a message over 1 MiB, and only that socket', async () => {
    const [big, other] = [await socket(), await socket()];
    big.on('error', () => {});
    const closed = new Promise<number>((resolve) => big.once('close', resolve));
    big.send('['.repeat(1024 * 1024 + 1));
    expect(await closed).toBe(1009);
    expect(await rpc(other, 1, JSON.stringify({ id: 1, method: 'listProjects', params: [] }))).toMatchObject({ ok: true });
    other.close();
  });
});

describe('slow and lying requests', () => {
  it('keeps answering others while uploads and headers trickle in', async () => {
    const slowBody = await rawSocket(port);
    slowBody.write(`PUT /upload/batch-0003/slow.bin HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nAuthorization: ${good.authorization}\r\nOrigin: ${good.origin}\r\nContent-Length: 1000\r\n\r\n0123456789`);
    const slowHead = await rawSocket(port);
    slowHead.write(`GET / HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n`);
    await stillAnswers();
    slowBody.destroy();
    slowHead.destroy();
    // The broken upload leaves no file, not even a temporary one.
    await expect.poll(() => (existsSync(join(base, 'ws', 'projects', 'untitled', 'uploads', 'batch-0003')) ? readdirSync(join(base, 'ws', 'projects', 'untitled', 'uploads', 'batch-0003')) : [])).toEqual([]);
  });

  it('keeps no file from a body shorter or longer than its Content-Length', async () => {
    const uploads = join(base, 'ws', 'projects', 'untitled', 'uploads', 'batch-0004');
    const short = await rawSocket(port);
    const shortReply = readAll(short, 2000);
    short.end(`PUT /upload/batch-0004/short.bin HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nAuthorization: ${good.authorization}\r\nOrigin: ${good.origin}\r\nContent-Length: 100\r\n\r\nonly fifty bytes.................................`);
    expect(await shortReply).not.toMatch(/^HTTP\/1\.1 201/);
    const long = await rawSocket(port);
    const longReply = readAll(long, 2000);
    long.end(`PUT /upload/batch-0004/long.bin HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nAuthorization: ${good.authorization}\r\nOrigin: ${good.origin}\r\nContent-Length: 10\r\nConnection: close\r\n\r\n0123456789 and forty more bytes that were never declared`);
    await longReply;
    await expect.poll(() => (existsSync(uploads) ? readdirSync(uploads).filter((f) => f !== 'long.bin') : [])).toEqual([]);
    // What was declared is what is kept: never more than Content-Length.
    if (existsSync(join(uploads, 'long.bin'))) expect(readdirSync(uploads)).toEqual(['long.bin']);
    const chunked = await http(port, 'PUT', '/upload/batch-0004/chunked.bin', { ...good, 'transfer-encoding': 'chunked' }, 'abc');
    expect(chunked.status).toBe(411);
  });
});

describe('200 connections at once', () => {
  it('answers every call on 200 WebSockets and 200 page loads', async () => {
    const sockets = await Promise.all(Array.from({ length: 200 }, () => socket()));
    const answers = await Promise.all(sockets.map((ws, i) => rpc(ws, i + 1, JSON.stringify({ id: i + 1, method: 'listModels', params: [] }))));
    expect(answers.every((a, i) => a.ok && a.id === i + 1)).toBe(true);
    const pages = await Promise.all(Array.from({ length: 200 }, () => http(port, 'GET', '/', good)));
    expect(pages.every((p) => p.status === 200)).toBe(true);
    for (const ws of sockets) ws.close();
  });
});
