// Whether a file really lies inside a folder: both resolved through every symbolic link, so a
// link placed inside the folder cannot lead a read or a write outside it.
import { realpath } from 'node:fs/promises';
import { sep } from 'node:path';

/** True when `path` exists and its real location is `root` or below the real `root`. */
export async function realInside(root: string, path: string): Promise<boolean> {
  try {
    const [realRoot, real] = await Promise.all([realpath(root), realpath(path)]);
    return real === realRoot || real.startsWith(realRoot.endsWith(sep) ? realRoot : realRoot + sep);
  } catch {
    return false;
  }
}
