// Getting dropped files to the engine. The desktop app hands over their paths; a browser cannot,
// so it uploads them into the project (folder layout kept, class folders stay class folders)
// and the engine opens the uploaded copy.

export interface PickedFile {
  file: File;
  /** Path inside what was dropped: "shoes/a.png" for a dropped folder's file. */
  relativePath: string;
}

const MAX_FILES = 100_000;

function readEntries(reader: FileSystemDirectoryReader): Promise<FileSystemEntry[]> {
  return new Promise((resolve, reject) => reader.readEntries(resolve, reject));
}

async function walk(entry: FileSystemEntry, prefix: string, out: PickedFile[]): Promise<void> {
  if (out.length >= MAX_FILES) return;
  if (entry.isFile) {
    const file = await new Promise<File>((resolve, reject) => (entry as FileSystemFileEntry).file(resolve, reject));
    out.push({ file, relativePath: prefix + entry.name });
  } else if (entry.isDirectory) {
    const reader = (entry as FileSystemDirectoryEntry).createReader();
    // readEntries answers in chunks until it returns none.
    for (let chunk = await readEntries(reader); chunk.length > 0; chunk = await readEntries(reader)) {
      for (const e of chunk) await walk(e, `${prefix}${entry.name}/`, out);
    }
  }
}

/** Every file of a drop, folders walked. */
export async function droppedFiles(dt: DataTransfer): Promise<PickedFile[]> {
  const entries = [...dt.items].map((i) => i.webkitGetAsEntry?.() ?? null);
  const out: PickedFile[] = [];
  if (entries.some((e) => e !== null)) {
    for (const e of entries) if (e) await walk(e, '', out);
    return out;
  }
  return [...dt.files].map((file) => ({ file, relativePath: file.name }));
}

/** Files from an <input type=file> (with webkitdirectory they carry their folder path). */
export function inputFiles(list: FileList): PickedFile[] {
  return [...list].map((file) => ({ file, relativePath: file.webkitRelativePath || file.name }));
}

const BATCH_ID = /^up-[a-z0-9]+-[0-9a-f]+$/;

/** What to call a dataset: its folder or file name, "Dropped files" for an upload, or the generated task. */
export function datasetName(path: string): string {
  if (path.startsWith('task:adding')) {
    const q = new URLSearchParams(path.split('?')[1] ?? '');
    return `The adding problem (generated, ${q.get('length') ?? '?'} steps)`;
  }
  const name = path.split('/').filter(Boolean).pop() ?? path;
  // Uploads land in a folder named by the upload, not by the user.
  return BATCH_ID.test(name) ? 'Dropped files' : name;
}

/** Matches BATCH_ID: the folder name of one upload. */
export function newBatchId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(8));
  return `up-${Date.now().toString(36)}-${[...bytes].map((b) => b.toString(16).padStart(2, '0')).join('')}`;
}

/**
 * Uploads the files; resolves with the engine-side folder that holds them. A single dropped
 * folder becomes the dataset itself (its subfolders are the classes); loose files (IDX files,
 * a CSV) stay together at the top.
 */
export async function uploadFiles(files: PickedFile[], onProgress: (done: number, total: number) => void, headers: Record<string, string> = {}): Promise<string> {
  if (files.length === 0) throw new Error('nothing to upload: the drop held no files');
  const batch = newBatchId();
  let root = '';
  let done = 0;
  const queue = [...files];
  const worker = async () => {
    for (let f = queue.shift(); f; f = queue.shift()) {
      const url = `/upload/${batch}/${f.relativePath.split('/').map(encodeURIComponent).join('/')}`;
      const res = await fetch(url, { method: 'PUT', body: f.file, headers });
      if (!res.ok) throw new Error(`${f.relativePath}: ${(await res.text()).trim() || res.statusText}`);
      root = ((await res.json()) as { root: string }).root;
      onProgress(++done, files.length);
    }
  };
  await Promise.all([worker(), worker(), worker(), worker()]);
  const tops = new Set(files.map((f) => f.relativePath.split('/')[0]));
  const single = tops.size === 1 && files.every((f) => f.relativePath.includes('/'));
  return single ? `${root}/${[...tops][0]}` : root;
}
