// Uploads and downloads against what the attack review of issue 12 found: links already inside
// the workspace, names as long as a name can be, files where folders are (and the reverse).
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StudioApi } from '../api/contract.js';
import { startServer, type RunningServer } from './server.js';

const BATCH = 'batch-0002';

function send(port: number, method: string, path: string, headers: Record<string, string | number>, body?: Buffer): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method, headers: { host: `127.0.0.1:${port}`, ...headers } }, (res) => {
      let text = '';
      res.setEncoding('latin1');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const service = new Proxy({} as StudioApi, {
  get: () => async () => {
    throw Object.assign(new Error('not in this test'), { code: 'not-available' });
  },
});

describe('uploads and downloads stay inside the workspace and say what went wrong', () => {
  let workspace: string;
  let outside: string;
  let uploads: string;
  let server: RunningServer;
  let headers: Record<string, string>;

  beforeAll(async () => {
    workspace = mkdtempSync(join(tmpdir(), 'graft-ws-'));
    outside = mkdtempSync(join(tmpdir(), 'graft-outside-'));
    uploads = join(workspace, 'uploads');
    mkdirSync(join(uploads, BATCH), { recursive: true });
    writeFileSync(join(outside, 'secret.onnx'), 'a file outside the workspace');
    writeFileSync(join(workspace, 'inside.onnx'), 'an export inside');
    // Links that were already there: a folder of the upload batch, a run's export.
    symlinkSync(outside, join(uploads, BATCH, 'linked'));
    symlinkSync(join(outside, 'secret.onnx'), join(workspace, 'linked.onnx'));
    const exports: Record<string, string> = { 'run-ok': join(workspace, 'inside.onnx'), 'run-link': join(workspace, 'linked.onnx'), 'run-folder': uploads };
    server = await startServer({
      service,
      staticDir: join(workspace, 'web'),
      hooks: {
        workspaceDir: () => workspace,
        uploadsDir: () => uploads,
        runExportFile: async (id) => exports[id] ?? Promise.reject(new Error('no such run')),
        onEvent: () => () => {},
      },
    });
    headers = { authorization: `Bearer ${server.token}`, origin: `http://127.0.0.1:${server.port}` };
  });

  afterAll(async () => {
    await server.close();
    rmSync(workspace, { recursive: true, force: true });
    rmSync(outside, { recursive: true, force: true });
  });

  const put = (path: string, body: Buffer) => send(server.port, 'PUT', path, { ...headers, 'content-length': body.length }, body);

  it('refuses an upload through a link inside the workspace, and writes nothing outside', async () => {
    const r = await put(`/upload/${BATCH}/linked/planted.png`, Buffer.from('planted'));
    expect(r.status).toBe(403);
    expect(existsSync(join(outside, 'planted.png'))).toBe(false);
  });

  it('refuses to download an export that is a link to a file outside the workspace', async () => {
    const r = await send(server.port, 'GET', '/download/run/run-link', headers);
    expect(r.status).toBe(404);
    expect(r.body).not.toContain('a file outside');
    expect((await send(server.port, 'GET', '/download/run/run-ok', headers)).body).toBe('an export inside');
    expect((await send(server.port, 'GET', '/download/run/run-folder', headers)).status).toBe(404);
  });

  it('accepts names of 226 to 255 bytes', async () => {
    for (const n of [226, 240, 255]) {
      const name = `${'n'.repeat(n - 4)}.png`;
      const r = await put(`/upload/${BATCH}/long/${name}`, Buffer.from(`${n}`));
      expect(r.status, `${n} bytes: ${r.body}`).toBe(201);
      expect(readFileSync(join(uploads, BATCH, 'long', name), 'utf8')).toBe(`${n}`);
    }
  });

  it('answers a file/folder clash with 409 and a sentence, not 500 or a raw error code', async () => {
    expect((await put(`/upload/${BATCH}/clash/a.png`, Buffer.from('x'))).status).toBe(201);
    expect((await put(`/upload/${BATCH}/file.png`, Buffer.from('x'))).status).toBe(201);
    for (const path of [`/upload/${BATCH}/clash`, `/upload/${BATCH}/file.png/b.png`, `/upload/${BATCH}/file.png/deeper/c.png`]) {
      const r = await put(path, Buffer.from('y'));
      expect(r.status, path).toBe(409);
      expect(r.body, path).toMatch(/^Upload refused: ".+" (is already a folder|clashes with a file or folder)/);
      expect(r.body, path).not.toMatch(/E[A-Z]{3,}/);
    }
    expect(readFileSync(join(uploads, BATCH, 'file.png'), 'utf8')).toBe('x');
  });
});
