// `graft serve` against what the attack review of issue 12 found: one deep message or one
// hostile throw must not end the server, a second studio must not log the first one out, a
// token in the URL must redirect nowhere, and links must not lead out of the static folder.
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WebSocket } from 'ws';
import type { StudioApi } from '../api/contract.js';
import { DEFAULT_DATA_OPTIONS } from '../api/studio-types.js';
import { DEFAULT_TRAIN_CONFIG, STRATEGY_DEFAULTS } from '../api/training.js';
import { ADDING_TASK_DEFAULTS } from '../api/adding-task.js';
import { bearer, http, openSocket, rpc, tokenProtocols } from '../test-support/serve-client.js';
import { startServer, type RunningServer } from './server.js';

const appInfo: StudioApi['appInfo'] = async () => ({ version: '0', mode: 'serve', initialModel: null, initialData: null, workspace: '/w', defaults: { train: DEFAULT_TRAIN_CONFIG, data: DEFAULT_DATA_OPTIONS, strategies: STRATEGY_DEFAULTS, adding: ADDING_TASK_DEFAULTS } });
const probeModel: StudioApi['probeModel'] = async () => {
  // A hostile failure: a thrown value whose every method throws, even turning it into text.
  throw { toString: () => { throw new Error('no text either'); } };
};
/** appInfo and a hostile probeModel; every other method answers an empty list. */
const service = new Proxy({ appInfo, probeModel } as unknown as StudioApi, {
  get: (target, key) => (target as unknown as Record<string | symbol, unknown>)[key] ?? (async () => []),
});

let base: string;
let staticDir: string;
let server: RunningServer;
let origin: string;

beforeAll(async () => {
  base = mkdtempSync(join(tmpdir(), 'graft-server-hardening-'));
  staticDir = join(base, 'web');
  mkdirSync(join(staticDir, 'assets'), { recursive: true });
  writeFileSync(join(staticDir, 'index.html'), '<!doctype html><title>Graft</title>');
  writeFileSync(join(base, 'secret.txt'), 'outside the static folder');
  symlinkSync(join(base, 'secret.txt'), join(staticDir, 'assets', 'linked.txt'));
  symlinkSync(base, join(staticDir, 'linked-folder'));
  server = await startServer({ service, staticDir });
  origin = `http://127.0.0.1:${server.port}`;
});

afterAll(async () => {
  await server.close();
  rmSync(base, { recursive: true, force: true });
});

async function socket(): Promise<WebSocket> {
  const ws = await openSocket(server.port, { origin }, '/api', tokenProtocols(server.token));
  if (typeof ws === 'number') throw new Error(`refused: ${ws}`);
  return ws;
}

describe('hardening (issue 12)', () => {
  const deep = (depth: number) => `${'['.repeat(depth)}0${']'.repeat(depth)}`;

  it('answers a 6,000-deep message to openModel, saveProject and startRun with an error, and keeps serving', async () => {
    const ws = await socket();
    const d = deep(6000);
    const payloads = [
      `{"id":11,"method":"openModel","params":[{"path":"/m.onnx","edits":[{"kind":"freeze","blocks":${d}}]}]}`,
      `{"id":12,"method":"saveProject","params":[{"project":{"name":"p","model":null,"edits":[],"data":null,"dataOptions":{"classes":null,"perClassLimit":null,"valFraction":0.1,"seed":0},"train":{"x":${d}}}}]}`,
      `{"id":13,"method":"startRun","params":[{"config":{"model":"/m.onnx","data":{"path":"/d","options":{"classes":null,"perClassLimit":null,"valFraction":0.1,"seed":0}},"edits":[{"kind":"swap-head","classes":${d}}]}}]}`,
    ];
    for (const [i, payload] of payloads.entries()) {
      expect(payload.length).toBeGreaterThan(12_000);
      const r = await rpc(ws, 11 + i, payload);
      expect(r).toMatchObject({ id: 11 + i, ok: false, error: { code: 'invalid-request' } });
      if (!r.ok) expect(r.error.message).toMatch(/nested more than 32 levels deep/);
    }
    expect(await rpc(ws, 14, JSON.stringify({ id: 14, method: 'appInfo', params: [] }))).toMatchObject({ id: 14, ok: true });
    ws.close();
  });

  it('answers a handler that throws something unprintable with an internal error, and keeps serving', async () => {
    const ws = await socket();
    const r = await rpc(ws, 21, JSON.stringify({ id: 21, method: 'probeModel', params: [{ path: '/unprintable' }] }));
    expect(r).toMatchObject({ id: 21, ok: false, error: { code: 'internal' } });
    expect(await rpc(ws, 22, JSON.stringify({ id: 22, method: 'listModels', params: [] }))).toMatchObject({ id: 22, ok: true });
    ws.close();
  });

  it('two studios on 127.0.0.1 keep separate logins: each token opens its own studio only', async () => {
    const other = await startServer({ service, staticDir });
    try {
      for (const [mine, theirs] of [[server, other], [other, server]]) {
        expect((await http(mine.port, 'GET', '/api', bearer(mine.token))).status).toBe(426);
        expect((await http(mine.port, 'GET', '/api', bearer(theirs.token))).status).toBe(401);
        expect(await openSocket(mine.port, { origin: `http://127.0.0.1:${mine.port}` }, '/api', tokenProtocols(theirs.token))).toBe(401);
      }
    } finally {
      await other.close();
    }
  });

  it('redirects nowhere: a token in the query is no login, whatever the path looks like', async () => {
    for (const path of ['/.//evil.example/', '//evil.example/', '/%2F/evil.example/', '/\\evil.example/', '/x']) {
      const r = await http(server.port, 'GET', `${path}?token=${server.token}`);
      expect(r.status, path).not.toBe(302);
      expect(r.headers.location, path).toBeUndefined();
      expect(r.headers['set-cookie'], path).toBeUndefined();
    }
  });

  it('does not follow a link inside the static folder to a file outside it', async () => {
    for (const path of ['/assets/linked.txt', '/linked-folder/secret.txt']) {
      const r = await http(server.port, 'GET', path);
      expect(r.status, path).toBe(404);
      expect(r.body, path).not.toContain('outside the static folder');
    }
  });
});
