// Walks an image folder: `root/<class>/**/<file>`, or `root/{train,val,test}/<class>/**/<file>`
// when the data comes already split. Files are ordered as torchvision's ImageFolder orders
// them (folders, then names, by code point), so sample indices match a PyTorch run.
// Hidden entries, non-image files and stray files are reported, not read.
import { readdir, realpath, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { compareCodePoints } from '../../core/data/code-point-order.js';
import type { SkippedItem, Split } from './types.js';

export const IMAGE_EXTENSIONS = new Set(['.jpg', '.jpeg', '.png', '.webp', '.bmp', '.tif', '.tiff', '.gif']);

const SPLIT_FOLDERS: Record<string, Split> = { train: 'train', val: 'val', valid: 'val', validation: 'val', test: 'test' };

export interface ScannedFile {
  path: string;
  className: string;
  split: Split | null;
}

export interface FolderScan {
  /** Whether root holds train/ + val/ or test/ folders. */
  presplit: boolean;
  files: ScannedFile[];
  /** Every class folder seen (even empty), by code point. */
  classFolders: string[];
  skipped: SkippedItem[];
}

export async function scanImageFolder(root: string): Promise<FolderScan> {
  const skipped: SkippedItem[] = [];
  const top = await listDir(root);
  const splitDirs = top.filter((e) => e.isDirectory() && SPLIT_FOLDERS[e.name.toLowerCase()]);
  const presplit = splitDirs.some((e) => SPLIT_FOLDERS[e.name.toLowerCase()] === 'train') && splitDirs.some((e) => SPLIT_FOLDERS[e.name.toLowerCase()] !== 'train');
  const files: ScannedFile[] = [];
  const classFolders = new Set<string>();
  const visited = new Set<string>();

  const scanClassesIn = async (dir: string, split: Split | null) => {
    for (const entry of await listDir(dir)) {
      const path = join(dir, entry.name);
      if (entry.name.startsWith('.')) {
        skipped.push({ id: path, reason: `hidden ${entry.isDirectory() ? 'folder' : 'file'} '${entry.name}'` });
      } else if (entry.isDirectory()) {
        classFolders.add(entry.name);
        for (const file of await walkFiles(path, skipped, visited)) files.push({ path: file, className: entry.name, split });
      } else {
        skipped.push({ id: path, reason: `'${entry.name}' is not inside a class folder` });
      }
    }
  };

  if (presplit) {
    for (const entry of top) {
      const path = join(root, entry.name);
      const split = entry.isDirectory() ? SPLIT_FOLDERS[entry.name.toLowerCase()] : undefined;
      if (split) await scanClassesIn(path, split);
      else if (entry.name.startsWith('.')) skipped.push({ id: path, reason: `hidden ${entry.isDirectory() ? 'folder' : 'file'} '${entry.name}'` });
      else skipped.push({ id: path, reason: `'${entry.name}' is not a split folder (train, val, test)` });
    }
  } else {
    await scanClassesIn(root, null);
  }
  return { presplit, files, classFolders: [...classFolders].sort(compareCodePoints), skipped };
}

interface DirEntry {
  name: string;
  isDirectory(): boolean;
}

/** Entries sorted by code point; symbolic links resolved to what they point at. */
async function listDir(dir: string): Promise<DirEntry[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const out: DirEntry[] = [];
  for (const e of entries) {
    if (e.isSymbolicLink()) {
      const target = await stat(join(dir, e.name)).catch(() => null);
      if (target) out.push({ name: e.name, isDirectory: () => target.isDirectory() });
    } else out.push(e);
  }
  return out.sort((a, b) => compareCodePoints(a.name, b.name));
}

/**
 * Image files under a class folder, in torchvision's order: sorted folder paths, then sorted
 * names within each folder. Links that loop back are followed once.
 */
async function walkFiles(classDir: string, skipped: SkippedItem[], visited: Set<string>): Promise<string[]> {
  const byDir: [string, string[]][] = [];
  const walk = async (dir: string) => {
    const real = await realpath(dir);
    if (visited.has(real)) return;
    visited.add(real);
    const names: string[] = [];
    for (const entry of await listDir(dir)) {
      const path = join(dir, entry.name);
      if (entry.name.startsWith('.')) skipped.push({ id: path, reason: `hidden ${entry.isDirectory() ? 'folder' : 'file'} '${entry.name}'` });
      else if (entry.isDirectory()) await walk(path);
      else if (IMAGE_EXTENSIONS.has(extname(entry.name).toLowerCase())) names.push(entry.name);
      else skipped.push({ id: path, reason: `not an image file ('${extname(entry.name) || 'no extension'}')` });
    }
    byDir.push([dir, names]);
  };
  await walk(classDir);
  byDir.sort((a, b) => compareCodePoints(a[0], b[0]));
  return byDir.flatMap(([dir, names]) => names.map((n) => join(dir, n)));
}
