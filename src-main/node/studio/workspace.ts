// Where the studio keeps its work: one folder per project holding project.json (the model, the
// edit list, the dataset reference and the training settings), its runs (curves, checkpoints,
// the verified export) and the files uploaded into it. Every write is atomic, so a crash
// leaves the previous version; `state.json` names the project to reopen on the next start.
import { mkdir, readFile, readdir, rename, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { ProjectState, ProjectSummary } from '../../api/studio-types.js';
import { GraftError } from '../../core/errors.js';
import { removeStaleTemps, writeFileAtomic } from '../model-file.js';

export const DEFAULT_PROJECT = 'untitled';
const PROJECT_FILE = 'project.json';
const STATE_FILE = 'state.json';

/** A project name is also a folder name: letters, digits, spaces, "_", "-", "." only. */
export function checkProjectName(name: string): string {
  if (!/^[\p{L}\p{N} _.-]{1,64}$/u.test(name) || name.startsWith('.')) {
    throw new GraftError('project-name', `"${name}" cannot name a project: use 1-64 letters, digits, spaces, "_", "-" or "."`);
  }
  return name;
}

async function readJson<T>(path: string): Promise<T | null> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new GraftError('project-read', `${path}: ${(e as Error).message}`);
  }
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new GraftError('project-corrupt', `${path} is not valid JSON; the project cannot be opened as it is (fix or remove the file)`);
  }
}

export async function writeJsonAtomic(path: string, value: unknown): Promise<void> {
  await writeFileAtomic(path, new TextEncoder().encode(`${JSON.stringify(value, null, 1)}\n`));
}

export class Workspace {
  readonly root: string;

  constructor(root: string) {
    this.root = resolve(root);
  }

  projectsDir(): string {
    return join(this.root, 'projects');
  }

  projectDir(name: string): string {
    return join(this.projectsDir(), checkProjectName(name));
  }

  runsDir(name: string): string {
    return join(this.projectDir(name), 'runs');
  }

  uploadsDir(name: string): string {
    return join(this.projectDir(name), 'uploads');
  }

  /** The project to reopen; null when none is remembered or state.json names none we can open. */
  async lastProject(): Promise<string | null> {
    await removeStaleTemps(this.root);
    const s = await readJson<{ lastProject?: unknown }>(join(this.root, STATE_FILE)).catch(() => null);
    if (typeof s?.lastProject !== 'string') return null;
    try {
      return checkProjectName(s.lastProject);
    } catch {
      return null; // a hand-edited or damaged state.json must not fail every start
    }
  }

  /** The project, or null when it has never been saved. Clears temp files crashed saves left. */
  async load(name: string): Promise<ProjectState | null> {
    await removeStaleTemps(this.projectDir(name));
    const p = await readJson<ProjectState>(join(this.projectDir(name), PROJECT_FILE));
    return p ? { ...p, name } : null;
  }

  /** Moves an unreadable project file aside (kept, never overwritten); returns where it went. */
  async setAside(name: string): Promise<string> {
    const file = join(this.projectDir(name), PROJECT_FILE);
    const aside = join(this.projectDir(name), `project.unreadable-${Date.now()}.json`);
    await rename(file, aside);
    return aside;
  }

  async save(project: ProjectState): Promise<string> {
    const dir = this.projectDir(project.name);
    await mkdir(dir, { recursive: true });
    const savedAt = new Date().toISOString();
    await writeJsonAtomic(join(dir, PROJECT_FILE), { ...project, savedAt });
    await this.remember(project.name);
    return savedAt;
  }

  async remember(name: string): Promise<void> {
    await mkdir(this.root, { recursive: true });
    await writeJsonAtomic(join(this.root, STATE_FILE), { lastProject: name });
  }

  async list(): Promise<ProjectSummary[]> {
    const dir = this.projectsDir();
    const names = await readdir(dir).catch(() => [] as string[]);
    const out: ProjectSummary[] = [];
    for (const name of names.sort()) {
      const file = join(dir, name, PROJECT_FILE);
      const st = await stat(file).catch(() => null);
      if (!st) continue;
      const runs = await readdir(join(dir, name, 'runs')).catch(() => [] as string[]);
      out.push({ name, updatedAt: st.mtime.toISOString(), runs: runs.length });
    }
    return out;
  }
}
