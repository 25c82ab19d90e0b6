// Walks an image folder: `root/<class>/**/<file>`, or `root/{train,val,test}/<class>/**/<file>`
// when the data comes already split. Files are ordered as torchvision's ImageFolder orders
// them (folders, then names, by code point), so sample indices match a PyTorch run.
// Hidden entries, non-image files and stray files are reported, not read; so are names that
// are not UTF-8, pipes and devices, and folder links that leave their class folder (a link
// back to the root would otherwise file every other class's images under this one).
import type { Dirent } from 'node:fs';
import { readdir, realpath, stat } from 'node:fs/promises';
import { extname, join, sep } from 'node:path';
import { notRegularReason } from '../regular-file.js';
import { compareCodePoints } from '../../core/data/code-point-order.js';
import { NO_PROGRESS, type ProgressSink } from './progress.js';
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

export async function scanImageFolder(root: string, progress: ProgressSink = NO_PROGRESS): Promise<FolderScan> {
  const skipped: SkippedItem[] = [];
  const top = await listDir(root, skipped);
  const isDir = (e: DirEntry) => e.kind === 'dir';
  const splitDirs = top.filter((e) => isDir(e) && SPLIT_FOLDERS[e.name.toLowerCase()]);
  const presplit = splitDirs.some((e) => SPLIT_FOLDERS[e.name.toLowerCase()] === 'train') && splitDirs.some((e) => SPLIT_FOLDERS[e.name.toLowerCase()] !== 'train');
  const hidden = (path: string, e: DirEntry): SkippedItem => ({ id: path, reason: `hidden ${isDir(e) ? 'folder' : 'file'} '${e.name}'` });

  // First every class folder is listed (so progress can say "3 of 5"), with what is left out
  // on the way kept in its place: the report reads in folder order, as the walk does.
  const plan: PlanItem[] = [];
  const planClassesIn = (dir: string, split: Split | null, entries: DirEntry[]) => {
    for (const entry of entries) {
      const path = join(dir, entry.name);
      if (entry.name.startsWith('.')) plan.push({ skip: hidden(path, entry) });
      else if (isDir(entry)) plan.push({ classDir: { path, name: entry.name, split } });
      else plan.push({ skip: { id: path, reason: `'${entry.name}' is not inside a class folder` } });
    }
  };
  if (presplit) {
    for (const entry of top) {
      const path = join(root, entry.name);
      const split = isDir(entry) ? SPLIT_FOLDERS[entry.name.toLowerCase()] : undefined;
      if (split) {
        const listed: SkippedItem[] = [];
        const entries = await listDir(path, listed);
        plan.push(...listed.map((item) => ({ skip: item })));
        planClassesIn(path, split, entries);
      } else if (entry.name.startsWith('.')) plan.push({ skip: hidden(path, entry) });
      else plan.push({ skip: { id: path, reason: `'${entry.name}' is not a split folder (train, val, test)` } });
    }
  } else {
    // The root's own listing: its unusable entries are already in `skipped`.
    planClassesIn(root, null, top);
  }

  const files: ScannedFile[] = [];
  const classFolders = new Set<string>();
  const visited = new Set<string>();
  const total = plan.filter((item) => 'classDir' in item).length;
  let done = 0;
  progress({ stage: 'scanning', done, total, unit: 'class folders', found: 0 });
  for (const item of plan) {
    if ('skip' in item) {
      skipped.push(item.skip);
      continue;
    }
    const { path, name, split } = item.classDir;
    classFolders.add(name);
    for (const file of await walkFiles(path, skipped, visited)) files.push({ path: file, className: name, split });
    progress({ stage: 'scanning', done: ++done, total, unit: 'class folders', found: files.length });
  }
  return { presplit, files, classFolders: [...classFolders].sort(compareCodePoints), skipped };
}

/** A class folder to walk, or an entry left out (kept in order for the report). */
type PlanItem = { skip: SkippedItem } | { classDir: { path: string; name: string; split: Split | null } };

interface DirEntry {
  name: string;
  /** What the entry is, links followed: only 'file' entries are ever opened. */
  kind: 'dir' | 'file';
}

/**
 * Entries sorted by code point, symbolic links resolved to what they point at. Entries that
 * cannot be used go to `skipped` with the reason: names that are not UTF-8 (no path built
 * from the decoded name reaches the file), broken links, pipes, sockets and devices.
 */
async function listDir(dir: string, skipped: SkippedItem[]): Promise<DirEntry[]> {
  const entries = (await readdir(dir, { withFileTypes: true, encoding: 'buffer' })) as unknown as Dirent<Buffer>[];
  const out: DirEntry[] = [];
  for (const e of entries) {
    const name = e.name.toString('utf8');
    const path = join(dir, name);
    if (!Buffer.from(name, 'utf8').equals(e.name)) {
      skipped.push({ id: path, reason: 'the name is not valid UTF-8; rename it to use it' });
      continue;
    }
    if (e.isDirectory()) out.push({ name, kind: 'dir' });
    else if (e.isFile()) out.push({ name, kind: 'file' });
    else if (e.isSymbolicLink()) {
      const target = await stat(path).catch(() => null);
      if (!target) skipped.push({ id: path, reason: 'a link to nothing (broken link)' });
      else if (target.isDirectory()) out.push({ name, kind: 'dir' });
      else if (target.isFile()) out.push({ name, kind: 'file' });
      else skipped.push({ id: path, reason: `a link to ${notRegularReason(target)}` });
    } else if (!name.startsWith('.')) {
      skipped.push({ id: path, reason: e.isFIFO() ? 'a named pipe, not a regular file' : e.isSocket() ? 'a socket, not a regular file' : 'a device, not a regular file' });
    }
  }
  return out.sort((a, b) => compareCodePoints(a.name, b.name));
}

/**
 * Image files under a class folder, in torchvision's order: sorted folder paths, then sorted
 * names within each folder. Folder links are followed only while they stay inside the class
 * folder, and each real folder is read once.
 */
async function walkFiles(classDir: string, skipped: SkippedItem[], visited: Set<string>): Promise<string[]> {
  const byDir: [string, string[]][] = [];
  const classReal = await realpath(classDir).catch(() => classDir);
  const walk = async (dir: string) => {
    let real: string;
    let entries: DirEntry[];
    try {
      real = await realpath(dir);
      if (dir !== classDir && real !== classReal && !real.startsWith(classReal + sep)) {
        skipped.push({ id: dir, reason: `a link to ${real}, outside its class folder; not followed` });
        return;
      }
      if (visited.has(real)) {
        skipped.push({ id: dir, reason: `${real} was already read (a link loop or a second link to it); not read twice` });
        return;
      }
      visited.add(real);
      entries = await listDir(dir, skipped);
    } catch (e) {
      skipped.push({ id: dir, reason: `folder not readable (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})` });
      return;
    }
    const names: string[] = [];
    for (const entry of entries) {
      const path = join(dir, entry.name);
      if (entry.name.startsWith('.')) skipped.push({ id: path, reason: `hidden ${entry.kind === 'dir' ? 'folder' : 'file'} '${entry.name}'` });
      else if (entry.kind === 'dir') await walk(path);
      else if (IMAGE_EXTENSIONS.has(extname(entry.name).toLowerCase())) names.push(entry.name);
      else skipped.push({ id: path, reason: `not an image file ('${extname(entry.name) || 'no extension'}')` });
    }
    byDir.push([dir, names]);
  };
  await walk(classDir);
  byDir.sort((a, b) => compareCodePoints(a[0], b[0]));
  return byDir.flatMap(([dir, names]) => names.map((n) => join(dir, n)));
}
