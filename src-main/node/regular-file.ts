// Opening files the studio reads (models, external data, datasets) safely: only regular
// files. A named pipe would block open() and read() forever, and a device (/dev/zero) never
// ends; both come in as ordinary-looking paths from a dataset folder or a model's external
// data. The file is opened without blocking and checked on the handle, so a pipe swapped in
// after a check cannot slip through.
import { constants, type Stats } from 'node:fs';
import { type FileHandle, open } from 'node:fs/promises';
import { GraftError } from '../core/errors.js';

function what(st: Stats): string {
  if (st.isDirectory()) return 'a folder';
  if (st.isFIFO()) return 'a named pipe';
  if (st.isSocket()) return 'a socket';
  if (st.isCharacterDevice() || st.isBlockDevice()) return 'a device';
  return 'not a regular file';
}

/** Why `st` cannot be read as a file, or null when it is a regular file. */
export function notRegularReason(st: Stats): string | null {
  return st.isFile() ? null : `${what(st)}, not a regular file`;
}

/** Opens `path` for reading; throws GraftError 'not-a-file' unless it is a regular file. */
export async function openRegularFile(path: string): Promise<FileHandle> {
  const fh = await open(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  try {
    const reason = notRegularReason(await fh.stat());
    if (reason) throw new GraftError('not-a-file', `${path}: ${reason}; not read`);
    return fh;
  } catch (e) {
    await fh.close();
    throw e;
  }
}

/** The whole of a regular file; refuses one over `maxBytes` before reading it. */
export async function readRegularFile(path: string, maxBytes = Number.MAX_SAFE_INTEGER): Promise<Buffer> {
  const fh = await openRegularFile(path);
  try {
    const size = (await fh.stat()).size;
    if (size > maxBytes) throw new GraftError('file-too-large', `${path}: ${size} bytes is over the ${maxBytes}-byte limit for this kind of file`);
    return await fh.readFile();
  } finally {
    await fh.close();
  }
}
