// Files crossing the browser boundary in serve mode. A browser cannot hand over file paths, so
// a dropped folder is uploaded file by file (PUT /upload/<batch>/<relative path>) into the
// project's uploads folder, keeping its layout (class folders stay class folders). A run's
// verified export comes back by GET /download/run/<id>.
import { randomBytes } from 'node:crypto';
import { constants, createWriteStream } from 'node:fs';
import { mkdir, open, rename, stat, unlink } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { dirname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { realInside } from './contained.js';
import { sendText } from './static-files.js';

/** The largest single file accepted (a big image or a CSV; IDX files of MNIST size fit). */
export const MAX_UPLOAD_BYTES = 512 * 1024 * 1024;
const MAX_DEPTH = 8;

export interface TransferHooks {
  /** The studio's workspace: no upload lands, and no download is read, outside it. */
  workspaceDir(): string;
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

/** A file-system error as a sentence for the person who uploaded; the raw code stays out of it. */
function uploadRefusal(e: unknown, name: string): { status: number; text: string } {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'EISDIR' || code === 'ENOTEMPTY' || code === 'EEXIST' || code === 'ENOTDIR' || code === 'EPERM') {
    return { status: 409, text: `Upload refused: "${name}" clashes with a file or folder of the same name already uploaded` };
  }
  if (code === 'ENOSPC' || code === 'EDQUOT') return { status: 507, text: 'Upload failed: the studio\'s disk is full' };
  return { status: 400, text: `Upload failed: ${(e as Error).message.replace(/^E[A-Z]+: /, '')}` };
}

export async function handleUpload(req: IncomingMessage, res: ServerResponse, rest: string, hooks: TransferHooks): Promise<void> {
  const parsed = uploadSegments(rest);
  if (!parsed.ok) return sendText(res, 400, `Bad upload: ${parsed.reason}\n`);
  const length = Number(req.headers['content-length'] ?? NaN);
  if (!Number.isFinite(length)) return sendText(res, 411, 'Length required\n');
  if (length > MAX_UPLOAD_BYTES) return sendText(res, 413, `Too large: files above ${MAX_UPLOAD_BYTES / 2 ** 20} MiB are refused\n`);
  const root = join(hooks.uploadsDir(), parsed.batch);
  const dest = join(root, ...parsed.segments);
  const folder = dirname(dest);
  const name = parsed.segments.join('/');
  try {
    await mkdir(folder, { recursive: true });
  } catch (e) {
    const r = uploadRefusal(e, name);
    return sendText(res, r.status, `${r.text}\n`);
  }
  // A link already in the workspace must not carry the file elsewhere.
  if (!(await realInside(hooks.workspaceDir(), folder))) return sendText(res, 403, 'Forbidden: the upload folder leads outside the workspace\n');
  if ((await stat(dest).catch(() => null))?.isDirectory()) return sendText(res, 409, `Upload refused: "${name}" is already a folder\n`);
  // A short name of its own: the file's name may already be 255 bytes, the most a name can be.
  const tmp = join(folder, `.graft-upload-${randomBytes(8).toString('hex')}.part`);
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
    if (!res.headersSent) {
      const r = uploadRefusal(e, name);
      sendText(res, r.status, `${r.text}\n`);
    }
    return;
  }
  sendJson(res, 201, { root, path: dest, bytes: received });
}

/** The file name a download is saved under: the studio's suggestion when it is a plain .onnx name, else one from the run's id. */
export function downloadName(runId: string, suggested: string | null): string {
  return suggested && /^[a-z0-9][a-z0-9._-]{0,150}\.onnx$/.test(suggested) ? suggested : `graft-${runId}.onnx`;
}

export async function handleDownload(res: ServerResponse, rest: string, hooks: TransferHooks, headOnly: boolean, name: string | null = null): Promise<void> {
  const m = /^run\/([a-z0-9-]{1,64})$/.exec(rest);
  if (!m) return sendText(res, 404, 'Not found\n');
  let file: string;
  try {
    file = await hooks.runExportFile(m[1]);
  } catch (e) {
    return sendText(res, 404, `${(e as Error).message}\n`);
  }
  if (!(await realInside(hooks.workspaceDir(), file))) return sendText(res, 404, 'Not found: the export leads outside the workspace\n');
  // No link at the last step either (it could be swapped in after the check), and only a plain file.
  const handle = await open(file, constants.O_RDONLY | constants.O_NOFOLLOW).catch(() => null);
  if (!handle) return sendText(res, 404, 'Not found\n');
  const info = await handle.stat();
  if (!info.isFile()) {
    await handle.close();
    return sendText(res, 404, 'Not found\n');
  }
  res.writeHead(200, {
    'Content-Type': 'application/octet-stream',
    'Content-Length': info.size,
    'Content-Disposition': `attachment; filename="${downloadName(m[1], name)}"`,
    'X-Content-Type-Options': 'nosniff',
    'Cache-Control': 'no-store',
  });
  if (headOnly) {
    await handle.close();
    return void res.end();
  }
  handle
    .createReadStream()
    .on('error', () => res.destroy())
    .pipe(res);
}
