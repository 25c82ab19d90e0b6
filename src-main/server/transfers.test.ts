import { type Dirent, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import type { IncomingHttpHeaders } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import type { StudioApi, StudioEvent } from '../api/contract.js';
import { startServer } from './server.js';
import type { RunningServer } from './server.js';
import { uploadSegments } from './transfers.js';

const BATCH = 'batch-0001';

describe('uploadSegments', () => {
  const ok = (rest: string) => {
    const r = uploadSegments(rest);
    if (!r.ok) throw new Error(`refused ${rest}: ${r.reason}`);
    return r;
  };
  const reason = (rest: string) => {
    const r = uploadSegments(rest);
    if (r.ok) throw new Error(`accepted ${rest}: ${JSON.stringify(r.segments)}`);
    return r.reason;
  };

  it('decodes the segments of a nested path', () => {
    expect(ok(`${BATCH}/cats/a.png`)).toEqual({ ok: true, batch: BATCH, segments: ['cats', 'a.png'] });
    expect(ok(`${BATCH}/a.csv`).segments).toEqual(['a.csv']);
  });

  it('accepts unicode and space-filled names', () => {
    expect(ok(`${BATCH}/${encodeURIComponent('dogs and wolves')}/${encodeURIComponent('ü 1.png')}`).segments).toEqual(['dogs and wolves', 'ü 1.png']);
    expect(ok(`${BATCH}/${encodeURIComponent('😀 smile')}/${encodeURIComponent('Ａ .png')}`).segments).toEqual(['😀 smile', 'Ａ .png']);
    expect(ok(`${BATCH}/${encodeURIComponent('  ')}/x`).segments).toEqual(['  ', 'x']);
    // A dot inside a name is fine; only "." and ".." themselves are not.
    expect(ok(`${BATCH}/..a/b..`).segments).toEqual(['..a', 'b..']);
  });

  it('refuses "..", "." and empty segments, plain or encoded', () => {
    for (const rest of [`${BATCH}/../x`, `${BATCH}/cls/..`, `${BATCH}/%2e%2e/x`, `${BATCH}/%2E%2E`, `${BATCH}/./x`, `${BATCH}/%2e/x`, `${BATCH}//x`, `${BATCH}/x/`, `${BATCH}/`]) {
      expect(reason(rest), rest).toMatch(/cannot be part of a file path|1 to 8 parts/);
    }
  });

  it('refuses separators and NUL inside a segment', () => {
    for (const rest of [`${BATCH}/..%2Fx`, `${BATCH}/a%2fb`, `${BATCH}/..%5Cx`, `${BATCH}/a%5cb`, `${BATCH}/a\\b`, `${BATCH}/a%00.png`, `${BATCH}/%2Fetc%2Fpasswd`]) {
      expect(reason(rest), rest).toMatch(/cannot be part of a file path/);
    }
  });

  it('refuses invalid URL encoding and overlong names', () => {
    expect(reason(`${BATCH}/%E0%A4%A`)).toMatch(/not valid URL encoding/);
    expect(reason(`${BATCH}/%ZZ`)).toMatch(/not valid URL encoding/);
    expect(reason(`${BATCH}/${'a'.repeat(256)}`)).toMatch(/cannot be part/);
    expect(ok(`${BATCH}/${'a'.repeat(255)}`).segments[0]).toHaveLength(255);
    // 255 bytes, not characters: 128 two-byte letters are 256 bytes.
    expect(reason(`${BATCH}/${encodeURIComponent('ü'.repeat(128))}`)).toMatch(/cannot be part/);
  });

  it('bounds the depth to 8 parts and needs at least one', () => {
    expect(ok(`${BATCH}/${Array(8).fill('d').join('/')}`).segments).toHaveLength(8);
    expect(reason(`${BATCH}/${Array(9).fill('d').join('/')}`)).toMatch(/1 to 8 parts/);
    expect(reason(BATCH)).toMatch(/1 to 8 parts/);
  });

  it('refuses bad batch ids', () => {
    for (const batch of ['', 'short', 'UPPER-case', '..', '%2e%2e', 'a/b', 'has space', 'x'.repeat(65), 'batch_0001', '../../etc']) {
      expect(reason(`${batch}/x.png`), batch).toMatch(/batch id/);
    }
  });
});

interface Reply {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

function send(port: number, method: string, path: string, headers: Record<string, string | number>, body?: Buffer): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method, headers: { host: `127.0.0.1:${port}`, ...headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    if (body) req.end(body);
    else req.end();
  });
}

function connect(port: number, headers: Record<string, string>, token: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/api`, ['graft', `graft-token.${token}`], { headers });
    ws.once('open', () => resolve(ws));
    ws.once('unexpected-response', (_req, res) => reject(new Error(`refused: ${res.statusCode}`)));
    ws.once('error', reject);
  });
}

/** Every file below `dir`, relative, sorted. */
function filesBelow(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return (readdirSync(dir, { recursive: true, withFileTypes: true }) as Dirent[])
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name).slice(dir.length + 1))
    .sort();
}

// The API itself is not used here: every method refuses.
const service = new Proxy({} as StudioApi, {
  get: () => async () => {
    throw Object.assign(new Error('not in this test'), { code: 'not-available' });
  },
});

describe('uploads, downloads and pushed events over HTTP', () => {
  let base: string;
  let uploads: string;
  let server: RunningServer;
  let auth: { authorization: string };
  let origin: string;
  const exportBytes = Buffer.from(Array.from({ length: 70_000 }, (_, i) => (i * 7 + 3) & 0xff));
  const listeners = new Set<(e: StudioEvent) => void>();
  let unsubscribed = 0;

  beforeAll(async () => {
    base = mkdtempSync(join(tmpdir(), 'graft-transfers-'));
    uploads = join(base, 'uploads');
    const web = join(base, 'web');
    const exportFile = join(base, 'model.onnx');
    writeFileSync(exportFile, exportBytes);
    server = await startServer({
      service,
      staticDir: web,
      hooks: {
        workspaceDir: () => base,
        uploadsDir: () => uploads,
        runExportFile: async (id) => {
          if (id === 'run-1') return exportFile;
          throw new Error(`run ${id} has no exported model`);
        },
        onEvent: (listener) => {
          listeners.add(listener);
          return () => {
            unsubscribed++;
            listeners.delete(listener);
          };
        },
      },
    });
    auth = { authorization: `Bearer ${server.token}` };
    origin = `http://127.0.0.1:${server.port}`;
  });

  afterAll(async () => {
    await server.close();
    rmSync(base, { recursive: true, force: true });
  });

  const put = (path: string, body: Buffer, headers: Record<string, string | number> = { ...auth, origin }) =>
    send(server.port, 'PUT', path, { 'content-length': body.length, 'content-type': 'application/octet-stream', ...headers }, body);

  it('writes an upload byte-exact below the batch folder and answers 201 with its root', async () => {
    const body = Buffer.from(Array.from({ length: 5000 }, (_, i) => (i * 31) & 0xff));
    const r = await put(`/upload/${BATCH}/cls/a%20b.png`, body);
    expect(r.status).toBe(201);
    expect(r.headers['content-type']).toMatch(/^application\/json/);
    const answer = JSON.parse(r.body.toString('utf8')) as { root: string; path: string; bytes: number };
    expect(answer).toEqual({ root: join(uploads, BATCH), path: join(uploads, BATCH, 'cls', 'a b.png'), bytes: body.length });
    expect(readFileSync(join(uploads, BATCH, 'cls', 'a b.png')).equals(body)).toBe(true);
    // No temporary file is left next to it.
    expect(filesBelow(join(uploads, BATCH))).toEqual([join('cls', 'a b.png')]);
  });

  it('keeps unicode names and replaces a file uploaded twice', async () => {
    const path = `/upload/${BATCH}/${encodeURIComponent('über')}/${encodeURIComponent('😀 1.png')}`;
    expect((await put(path, Buffer.from('first version'))).status).toBe(201);
    expect((await put(path, Buffer.from('second'))).status).toBe(201);
    expect(readFileSync(join(uploads, BATCH, 'über', '😀 1.png'), 'utf8')).toBe('second');
  });

  it('accepts an empty file', async () => {
    expect((await put(`/upload/${BATCH}/empty.csv`, Buffer.alloc(0))).status).toBe(201);
    expect(readFileSync(join(uploads, BATCH, 'empty.csv')).length).toBe(0);
  });

  it('refuses an upload without the token header (401, the old cookie included), without an Origin or with a foreign one (403)', async () => {
    const body = Buffer.from('x');
    expect((await put(`/upload/${BATCH}/no-cookie.png`, body, { origin, cookie: `graft_token_${server.port}=${server.token}` })).status).toBe(401);
    expect((await put(`/upload/${BATCH}/wrong-cookie.png`, body, { origin, authorization: `Bearer ${'0'.repeat(32)}` })).status).toBe(401);
    expect((await put(`/upload/${BATCH}/no-origin.png`, body, auth)).status).toBe(403);
    expect((await put(`/upload/${BATCH}/foreign.png`, body, { ...auth, origin: 'http://evil.example' })).status).toBe(403);
    expect((await put(`/upload/${BATCH}/foreign-port.png`, body, { ...auth, origin: `http://127.0.0.1:${server.port + 1}` })).status).toBe(403);
    const written = filesBelow(uploads);
    for (const name of ['no-cookie.png', 'wrong-cookie.png', 'no-origin.png', 'foreign.png', 'foreign-port.png']) expect(written).not.toContain(name);
  });

  it('refuses traversal and writes nothing outside the uploads folder', async () => {
    const before = filesBelow(base);
    const body = Buffer.from('escaped!');
    const r = await put(`/upload/${BATCH}/..%2Fx`, body);
    expect(r.status).toBe(400);
    expect(r.body.toString('utf8')).toMatch(/Bad upload/);
    for (const path of [`/upload/${BATCH}/..%2F..%2F..%2Fx`, `/upload/${BATCH}/cls/..%5C..%5Cx`, `/upload/${BATCH}/x%00.png`, `/upload/..%2F${BATCH}/x`, `/upload/${BATCH}/cls/%2e%2e/%2e%2e/%2e%2e/x`]) {
      const res = await put(path, body);
      expect(res.status, path).toBeGreaterThanOrEqual(400);
      expect(res.status, path).not.toBe(201);
    }
    expect(filesBelow(base)).toEqual(before);
    expect(existsSync(join(base, 'x'))).toBe(false);
    expect(existsSync(join(uploads, 'x'))).toBe(false);
  });

  it('needs a Content-Length (a chunked upload is refused with 411)', async () => {
    const chunked = await new Promise<number>((resolve, reject) => {
      const req = request(
        { host: '127.0.0.1', port: server.port, path: `/upload/${BATCH}/chunked.bin`, method: 'PUT', headers: { host: `127.0.0.1:${server.port}`, ...auth, origin, 'transfer-encoding': 'chunked' } },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on('error', reject);
      req.write('abc');
      req.end();
    });
    expect(chunked).toBe(411);
    expect(existsSync(join(uploads, BATCH, 'chunked.bin'))).toBe(false);
  });

  it('downloads a run\'s export as an attachment, byte-exact; 404 for an unknown run', async () => {
    const r = await send(server.port, 'GET', '/download/run/run-1', auth);
    expect(r.status).toBe(200);
    expect(r.headers['content-disposition']).toBe('attachment; filename="graft-run-1.onnx"');
    expect(r.headers['content-type']).toBe('application/octet-stream');
    expect(Number(r.headers['content-length'])).toBe(exportBytes.length);
    expect(r.body.equals(exportBytes)).toBe(true);
    const head = await send(server.port, 'HEAD', '/download/run/run-1', auth);
    expect(head.status).toBe(200);
    expect(head.body.length).toBe(0);
    expect((await send(server.port, 'GET', '/download/run/run-2', auth)).status).toBe(404);
    expect((await send(server.port, 'GET', '/download/run/..%2F..%2Fetc%2Fpasswd', auth)).status).toBe(404);
    expect((await send(server.port, 'GET', '/download/run/RUN-1', auth)).status).toBe(404);
  });

  it('refuses a download without the token header (the old cookie included)', async () => {
    const r = await send(server.port, 'GET', '/download/run/run-1', { cookie: `graft_token_${server.port}=${server.token}` });
    expect(r.status).toBe(401);
    expect(r.body.equals(exportBytes)).toBe(false);
  });

  it('pushes engine events to a connected page and unsubscribes when it leaves', async () => {
    const ws = await connect(server.port, { origin }, server.token);
    expect(listeners.size).toBe(1);
    const event: StudioEvent = { type: 'run-status', run: { id: 'run-1', status: 'done', error: null } };
    const received = new Promise<unknown>((resolve) => ws.once('message', (data) => resolve(JSON.parse(String(data)))));
    for (const l of listeners) l(event);
    expect(await received).toEqual({ push: event });
    const gone = unsubscribed;
    const closed = new Promise<void>((resolve) => ws.once('close', () => resolve()));
    ws.close();
    await closed;
    await expect.poll(() => unsubscribed).toBe(gone + 1);
    expect(listeners.size).toBe(0);
  });
});
