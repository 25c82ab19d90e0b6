// Serves the built renderer. Paths are resolved and must stay inside the static folder.
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { ServerResponse } from 'node:http';
import { extname, resolve, sep } from 'node:path';
import { realInside } from './contained.js';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "connect-src 'self' ws://127.0.0.1:* ws://localhost:*",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * Maps a URL path to a file inside `root`, or null when it would leave it. The path is
 * decoded first, so `%2e%2e` is caught as `..` too.
 */
export function resolveStaticPath(root: string, urlPath: string): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return null;
  const relative = decoded === '/' || decoded === '' ? 'index.html' : decoded.replace(/^\/+/, '');
  const base = resolve(root);
  const full = resolve(base, relative);
  return full.startsWith(base + sep) ? full : null;
}

export function sendText(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'X-Content-Type-Options': 'nosniff', 'Cache-Control': 'no-store' });
  res.end(text);
}

export async function serveStatic(root: string, urlPath: string, res: ServerResponse, headOnly: boolean): Promise<void> {
  const file = resolveStaticPath(root, urlPath);
  if (file === null) return sendText(res, 403, 'Forbidden path\n');
  // A link inside the folder must not serve what lies outside it.
  if (!(await realInside(root, file))) return sendText(res, 404, 'Not found\n');
  let size: number;
  try {
    const info = await stat(file);
    if (!info.isFile()) return sendText(res, 404, 'Not found\n');
    size = info.size;
  } catch {
    return sendText(res, 404, 'Not found\n');
  }
  const ext = extname(file).toLowerCase();
  const headers: Record<string, string | number> = {
    'Content-Type': CONTENT_TYPES[ext] ?? 'application/octet-stream',
    'Content-Length': size,
    'X-Content-Type-Options': 'nosniff',
    // Hashed assets could be cached forever; the skeleton keeps it simple and always fresh.
    'Cache-Control': 'no-cache',
  };
  if (ext === '.html') {
    headers['Content-Security-Policy'] = CONTENT_SECURITY_POLICY;
    headers['X-Frame-Options'] = 'DENY';
    headers['Referrer-Policy'] = 'no-referrer';
  }
  res.writeHead(200, headers);
  if (headOnly) return void res.end();
  createReadStream(file)
    .on('error', () => res.destroy())
    .pipe(res);
}
