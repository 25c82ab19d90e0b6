import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import type { IncomingHttpHeaders } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import type { ModelView, RpcResponse, StudioApi } from '../api/contract.js';
import { DEFAULT_DATA_OPTIONS } from '../api/studio-types.js';
import { DEFAULT_TRAIN_CONFIG, STRATEGY_DEFAULTS } from '../api/training.js';
import { ADDING_TASK_DEFAULTS } from '../api/adding-task.js';
import { startServer } from './server.js';
import type { RunningServer } from './server.js';

class CodedError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const fakeModel = { summary: { fileName: 'fake.onnx' }, root: { path: '' }, nodes: [], edges: [] } as unknown as ModelView;

const notHere = async (): Promise<never> => {
  throw new CodedError('not-available', 'not in this test');
};

const fakeService: StudioApi = {
  appInfo: async () => ({ version: '0.0.0-test', mode: 'serve', initialModel: null, initialData: null, workspace: '/w', defaults: { train: DEFAULT_TRAIN_CONFIG, data: DEFAULT_DATA_OPTIONS, strategies: STRATEGY_DEFAULTS, adding: ADDING_TASK_DEFAULTS } }),
  listModels: async () => [{ path: '/m/a.onnx', label: 'a', bundled: true }],
  openModel: async ({ path }) => {
    if (path === '/broken.onnx') throw new CodedError('bad-model', 'not an ONNX model');
    return fakeModel;
  },
  probeModel: async () => ({ ok: true, outputs: [], millis: 1, error: null }),
  devices: notHere,
  openDataset: notHere,
  datasetSamples: notHere,
  browse: notHere,
  startRun: notHere,
  controlRun: notHere,
  resumeRun: notHere,
  renameRun: notHere,
  deleteRun: notHere,
  listRuns: notHere,
  exportRun: notHere,
  tryRun: notHere,
  loadProject: notHere,
  saveProject: notHere,
  listProjects: notHere,
};

interface Reply {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

function get(port: number, path: string, headers: Record<string, string> = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method: 'GET', headers: { host: `127.0.0.1:${port}`, ...headers } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** Opens a WebSocket; resolves with the socket, or with the HTTP status that refused it. */
function connect(port: number, headers: Record<string, string>, protocols = ['graft', `graft-token.${TOKEN}`]): Promise<WebSocket | number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/api`, protocols, { headers });
    ws.once('open', () => resolve(ws));
    ws.once('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      ws.terminate();
    });
    ws.once('error', reject);
  });
}

function call(ws: WebSocket, payload: string): Promise<RpcResponse> {
  return new Promise((resolve) => {
    ws.once('message', (data) => resolve(JSON.parse(String(data)) as RpcResponse));
    ws.send(payload);
  });
}

let server: RunningServer;
let staticDir: string;
const TOKEN = 'a'.repeat(32);
const auth = { authorization: `Bearer ${TOKEN}` };
let origin: string;

beforeAll(async () => {
  const base = mkdtempSync(join(tmpdir(), 'graft-server-test-'));
  staticDir = join(base, 'web');
  mkdirSync(join(staticDir, 'assets'), { recursive: true });
  writeFileSync(join(staticDir, 'index.html'), '<!doctype html><title>Graft</title>');
  writeFileSync(join(staticDir, 'assets', 'app.js'), 'console.log(1)');
  writeFileSync(join(base, 'secret.txt'), 'outside the static folder');
  server = await startServer({ service: fakeService, staticDir, token: TOKEN });
  origin = `http://127.0.0.1:${server.port}`;
});

afterAll(async () => {
  await server.close();
  rmSync(join(staticDir, '..'), { recursive: true, force: true });
});

describe('auth', () => {
  it('prints a loopback URL with the token and makes a random token by default', async () => {
    // In the fragment: a browser never sends it to a server, so it reaches no log and no Referer.
    expect(server.url).toBe(`http://127.0.0.1:${server.port}/#token=${TOKEN}`);
    const other = await startServer({ service: fakeService, staticDir });
    expect(other.token).toMatch(/^[0-9a-f]{32}$/);
    await other.close();
  });

  it('answers the engine only to a Bearer token, and sets no cookie', async () => {
    const r = await get(server.port, '/api');
    expect(r.status).toBe(401);
    expect(r.body).toMatch(/Unauthorized/);
    expect((await get(server.port, '/api', { authorization: `Bearer ${'b'.repeat(32)}` })).status).toBe(401);
    expect((await get(server.port, '/api', { cookie: `graft_token_${server.port}=${TOKEN}` })).status).toBe(401);
    const ok = await get(server.port, '/api', auth);
    expect(ok.status).toBe(426);
    expect(ok.headers['set-cookie']).toBeUndefined();
  });

  it('serves the UI with a CSP, without the token (it is the installed UI, no secret)', async () => {
    const r = await get(server.port, '/');
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(r.headers['content-security-policy']).toContain("script-src 'self'");
    expect(r.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(r.headers['x-content-type-options']).toBe('nosniff');
    const js = await get(server.port, '/assets/app.js');
    expect(js.status).toBe(200);
    expect(js.headers['content-type']).toBe('text/javascript; charset=utf-8');
  });

  it('refuses a foreign Origin over HTTP', async () => {
    const r = await get(server.port, '/', { ...auth, origin: 'http://evil.example' });
    expect(r.status).toBe(403);
    expect((await get(server.port, '/', { ...auth, origin })).status).toBe(200);
  });

  it('refuses a foreign Host (DNS rebinding)', async () => {
    const r = await get(server.port, '/', { ...auth, host: `evil.example:${server.port}` });
    expect([403, 421]).toContain(r.status);
    expect((await get(server.port, '/', { ...auth, host: `localhost:${server.port}` })).status).toBe(200);
  });
});

describe('static files', () => {
  it('refuses path traversal, plain and encoded', async () => {
    for (const path of ['/../secret.txt', '/%2e%2e/secret.txt', '/assets/%2E%2E/%2e%2e/secret.txt', '/..%2fsecret.txt', '/%2e%2e%5csecret.txt']) {
      const r = await get(server.port, path, auth);
      expect(r.status, path).not.toBe(200);
      expect(r.body, path).not.toContain('outside the static folder');
    }
    const pkg = await get(server.port, '/../package.json', auth);
    expect(pkg.status).not.toBe(200);
  });

  it('answers 404 for a missing file', async () => {
    expect((await get(server.port, '/nope.js', auth)).status).toBe(404);
  });
});

describe('WebSocket API', () => {
  it('refuses the upgrade without the token protocol, with a foreign Origin or Host', async () => {
    expect(await connect(server.port, { origin }, ['graft'])).toBe(401);
    expect(await connect(server.port, { origin, ...auth }, ['graft'])).toBe(401);
    expect(await connect(server.port, { origin: 'http://evil.example' })).toBe(403);
    expect(await connect(server.port, auth)).toBe(403);
    expect(await connect(server.port, { origin, host: `evil.example:${server.port}` })).toBe(421);
  });

  it('answers requests and carries errors as data', async () => {
    const ws = await connect(server.port, { origin });
    if (typeof ws === 'number') throw new Error(`refused: ${ws}`);
    expect(await call(ws, JSON.stringify({ id: 1, method: 'listModels', params: [] }))).toEqual({
      id: 1,
      ok: true,
      result: [{ path: '/m/a.onnx', label: 'a', bundled: true }],
    });
    const opened = await call(ws, JSON.stringify({ id: 2, method: 'openModel', params: [{ path: '/x.onnx' }] }));
    expect(opened).toMatchObject({ id: 2, ok: true, result: { summary: { fileName: 'fake.onnx' } } });
    expect(await call(ws, JSON.stringify({ id: 3, method: 'openModel', params: [{ path: '/broken.onnx' }] }))).toEqual({
      id: 3,
      ok: false,
      error: { code: 'bad-model', message: 'not an ONNX model' },
    });
    ws.close();
  });

  it('answers malformed messages with an error and keeps serving', async () => {
    const ws = await connect(server.port, { origin });
    if (typeof ws === 'number') throw new Error(`refused: ${ws}`);
    const bad = [
      'not json',
      '[]',
      JSON.stringify({ id: 'x', method: 'appInfo', params: [] }),
      JSON.stringify({ id: 4, method: 'constructor', params: [] }),
      JSON.stringify({ id: 5, method: 'appInfo', params: {} }),
      JSON.stringify({ id: 6, method: 'openModel', params: [] }),
      JSON.stringify({ id: 7, method: 'openModel', params: [{ path: 42 }] }),
    ];
    for (const payload of bad) {
      const r = await call(ws, payload);
      expect(r.ok, payload).toBe(false);
      if (!r.ok) expect(r.error.code).toBe('invalid-request');
    }
    expect(await call(ws, JSON.stringify({ id: 8, method: 'appInfo', params: [] }))).toMatchObject({ id: 8, ok: true, result: { mode: 'serve' } });
    ws.close();
  });

  it('closes the socket on a message over 1 MiB', async () => {
    const ws = await connect(server.port, { origin });
    if (typeof ws === 'number') throw new Error(`refused: ${ws}`);
    const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
    ws.on('error', () => {});
    ws.send('x'.repeat(1024 * 1024 + 10));
    expect(await closed).toBe(1009);
  });
});
