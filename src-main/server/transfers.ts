// Files crossing the browser boundary in serve mode. A browser cannot hand over file paths, so
// a dropped folder is uploaded file by file (PUT /upload/<batch>/<relative path>) into the
// project's uploads folder, keeping its layout (class folders stay class folders). A run's
// verified export comes back by GET /download/run/<id>.
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rename, stat, unlink } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { sendText } from './static-files.js';

/** The largest single file accepted (a big image or a CSV; IDX files of MNIST size fit). */
export const MAX_UPLOAD_BYTES = 512 * 1024 * 1024;
const MAX_DEPTH = 8;

export interface TransferHooks {
  uploadsDir(): string;
  runExportFile(id: string): Promise<string>;
}

function sendJson(res: ServerResponse, status: number, value: unknown): void {
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'X-Content-Type-Options': 'nosniff', 'Cache-Control': 'no-store' });
  res.end(JSON.stringify(value));
}

/**
 * The relative path of an upload as safe segments, or a reason it is refused: no "..", no
 * absolute paths, no separators or NUL inside a segment, bounded depth and length.
 */
export function uploadSegments(rest: string): { ok: true; batch: string; segments: string[] } | { ok: false; reason: string } {
  const raw = rest.split('/');
  const [batch, ...encoded] = raw;
  if (!/^[a-z0-9-]{6,64}$/.test(batch ?? '')) return { ok: false, reason: 'the upload batch id must be 6-64 characters of a-z, 0-9 and -' };
  if (encoded.length === 0 || encoded.length > MAX_DEPTH) return { ok: false, reason: `a file path of 1 to ${MAX_DEPTH} parts is required` };
  const segments: string[] = [];
  for (const e of encoded) {
    let s: string;
    try {
      s = decodeURIComponent(e);
    } catch {
      return { ok: false, reason: 'the file path is not valid URL encoding' };
    }
    if (s === '' || s === '.' || s === '..' || /[/\\\0]/.test(s) || Buffer.byteLength(s) > 255) {
      return { ok: false, reason: `"${s.slice(0, 80)}" cannot be part of a file path` };
    }
    segments.push(s);
  }
  return { ok: true, batch, segments };
}

export async function handleUpload(req: IncomingMessage, res: ServerResponse, rest: string, hooks: TransferHooks): Promise<void> {
  const parsed = uploadSegments(rest);
  if (!parsed.ok) return sendText(res, 400, `Bad upload: ${parsed.reason}\n`);
  const length = Number(req.headers['content-length'] ?? NaN);
  if (!Number.isFinite(length)) return sendText(res, 411, 'Length required\n');
  if (length > MAX_UPLOAD_BYTES) return sendText(res, 413, `Too large: files above ${MAX_UPLOAD_BYTES / 2 ** 20} MiB are refused\n`);
  const root = join(hooks.uploadsDir(), parsed.batch);
  const dest = join(root, ...parsed.segments);
  await mkdir(join(dest, '..'), { recursive: true });
  const tmp = `${dest}.${process.pid}.${Date.now()}.part`;
  let received = 0;
  req.on('data', (chunk: Buffer) => {
    received += chunk.length;
    if (received > length) req.destroy(new Error('more bytes than Content-Length'));
  });
  try {
    await pipeline(req, createWriteStream(tmp, { flags: 'wx' }));
    if (received !== length) throw new Error(`got ${received} of ${length} bytes`);
    await rename(tmp, dest);
  } catch (e) {
    await unlink(tmp).catch(() => {});
    if (!res.headersSent) sendText(res, 400, `Upload failed: ${(e as Error).message}\n`);
    return;
  }
  sendJson(res, 201, { root, path: dest, bytes: received });
}

export async function handleDownload(res: ServerResponse, rest: string, hooks: TransferHooks, headOnly: boolean): Promise<void> {
  const m = /^run\/([a-z0-9-]{1,64})$/.exec(rest);
  if (!m) return sendText(res, 404, 'Not found\n');
  let file: string;
  try {
    file = await hooks.runExportFile(m[1]);
  } catch (e) {
    return sendText(res, 404, `${(e as Error).message}\n`);
  }
  const size = (await stat(file)).size;
  res.writeHead(200, {
    'Content-Type': 'application/octet-stream',
    'Content-Length': size,
    'Content-Disposition': `attachment; filename="graft-${m[1]}.onnx"`,
    'X-Content-Type-Options': 'nosniff',
    'Cache-Control': 'no-store',
  });
  if (headOnly) return void res.end();
  createReadStream(file)
    .on('error', () => res.destroy())
    .pipe(res);
}
