// The last model file read, shared by the graph editor's views and the dataset previews: a
// 45 MB model opened and then used to preview data is decoded once, and again only when the
// file changes on disk.
import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { type ModelFile, readModelFile } from '../model-file.js';

export class ModelFiles {
  private last: { mtimeMs: number; size: number; file: ModelFile } | null = null;

  async get(path: string): Promise<ModelFile> {
    const abs = resolve(path);
    const st = await stat(abs);
    const l = this.last;
    if (l && l.file.path === abs && l.mtimeMs === st.mtimeMs && l.size === st.size) return l.file;
    const file = await readModelFile(abs);
    this.last = { mtimeMs: st.mtimeMs, size: st.size, file };
    return file;
  }
}
