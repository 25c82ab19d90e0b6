// The in-app file browser: a folder's entries, hidden files left out, folders first.
import { readdir, stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import type { BrowseEntry, BrowseResult } from '../../api/studio-types.js';
import { GraftError } from '../../core/errors.js';

const MAX_ENTRIES = 2000;

export async function listFolder(path: string, roots: string[], isAllowed: (p: string) => Promise<boolean>): Promise<BrowseResult> {
  const abs = resolve(path);
  const st = await stat(abs).catch(() => null);
  if (!st) throw new GraftError('file-not-found', `${abs}: no such folder`);
  if (!st.isDirectory()) throw new GraftError('not-a-folder', `${abs} is a file, not a folder`);
  const entries: BrowseEntry[] = [];
  for (const e of await readdir(abs, { withFileTypes: true })) {
    if (e.name.startsWith('.')) continue;
    const p = join(abs, e.name);
    if (e.isDirectory()) entries.push({ name: e.name, path: p, kind: 'dir', bytes: null });
    else if (e.isFile()) entries.push({ name: e.name, path: p, kind: 'file', bytes: (await stat(p).catch(() => null))?.size ?? null });
    if (entries.length >= MAX_ENTRIES) break;
  }
  entries.sort((a, b) => (a.kind === b.kind ? a.name.localeCompare(b.name) : a.kind === 'dir' ? -1 : 1));
  const up = dirname(abs);
  return { path: abs, parent: up !== abs && (await isAllowed(up)) ? up : null, entries, roots };
}
