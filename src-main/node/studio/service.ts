// The engine behind the API: what both transports (Electron IPC and `graft serve`) call. It
// owns the current project; models, datasets, runs and uploads are reached through it.
import { readdir, realpath, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { basename, dirname, join, resolve, sep } from 'node:path';
import type { AppInfo, ModelEntry, ModelView, ProbeResult, RunAction, StudioApi } from '../../api/contract.js';
import type { BrowseResult, DataOptions, DatasetProgress, DatasetView, Edit, ProjectState, ProjectSummary, RunRecord, RunSummary, SampleView, StudioEvent, TryInput, TryResult } from '../../api/studio-types.js';
import { DEFAULT_DATA_OPTIONS } from '../../api/studio-types.js';
import { ADDING_TASK_DEFAULTS } from '../../api/adding-task.js';
import { DEFAULT_TRAIN_CONFIG, type DeviceReport, STRATEGY_DEFAULTS, type TrainConfig } from '../../api/training.js';
import { GraftError } from '../../core/errors.js';
import { describeModel } from '../../core/view/model-view.js';
import { isAddingSpec } from '../data/adding.js';
import { readModelFile } from '../model-file.js';
import { devicesInWorker, probeInWorker } from '../probe/probe.js';
import { bundledModelsDir, defaultDataset, packageVersion } from '../resources.js';
import { tryInWorker } from '../try/try-in-worker.js';
import type { WorkerLauncher } from '../worker-process.js';
import { listFolder } from './browse.js';
import { DatasetWorker } from './dataset-worker.js';
import { ModelFiles } from './model-files.js';
import { ModelViews } from './model-views.js';
import { RunManager } from './runs.js';
import { DEFAULT_PROJECT, Workspace } from './workspace.js';

export interface StudioServiceOptions {
  mode: 'electron' | 'serve';
  initialModel: string | null;
  /** Folders the UI may open models and datasets from, besides the bundled ones. */
  roots: string[];
  /** Projects, uploads and runs; default ~/.local/share/graft (or $XDG_DATA_HOME/graft). */
  workspace?: string;
  /** How workers are started (utilityProcess under Electron); child_process.fork by default. */
  launcher?: WorkerLauncher;
  /** Start the dataset preview worker now rather than at the first preview (a studio's page opens one at once). */
  warmPreviews?: boolean;
  /** How often a dataset request's progress is pushed at most (250 ms; tests ask for every report with 0). */
  previewProgressMs?: number;
}

/** The API plus what only the hosting process needs (pushing events, uploads, downloads). */
export interface StudioService extends StudioApi {
  onEvent(listener: (e: StudioEvent) => void): () => void;
  /** Where the studio keeps its projects: nothing is uploaded or downloaded outside it. */
  workspaceDir(): string;
  /** Where uploaded files of the current project go. */
  uploadsDir(): string;
  /** The verified export of a run of the current project. */
  runExportFile(id: string): Promise<string>;
  close(): void;
}

/** Opens a model file and describes it for the UI (no edits). */
export async function openModelView(path: string): Promise<Omit<ModelView, 'surgery'>> {
  const file = await readModelFile(path);
  const { unresolvedShapes: _unused, ...view } = describeModel(file.model, file.graph, {
    path: file.path,
    fileName: basename(file.path),
    fileBytes: file.fileBytes,
  });
  return view;
}

/**
 * Runs `f`; an error it throws that names an upload's folder (the studio's own, not one the
 * user knows) names the dropped files instead: a file inside by its path in the drop.
 */
export async function withoutUploadFolders<T>(projectsDir: string, f: () => Promise<T>): Promise<T> {
  try {
    return await f();
  } catch (e) {
    if (!(e instanceof Error)) throw e;
    const escaped = projectsDir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    const folder = new RegExp(`${escaped}/[^/]+/uploads/[a-z0-9-]+(/?)`, 'g');
    e.message = e.message.replace(folder, (_, slash: string) => (slash ? '' : 'the dropped files'));
    throw e;
  }
}

export function defaultWorkspace(): string {
  const data = process.env.XDG_DATA_HOME || join(homedir(), '.local', 'share');
  return join(data, 'graft');
}

async function isInside(path: string, roots: string[]): Promise<boolean> {
  let real: string;
  try {
    real = await realpath(path);
  } catch {
    return false;
  }
  for (const root of roots) {
    const r = await realpath(root).catch(() => null);
    if (r && (real === r || real.startsWith(r + sep))) return true;
  }
  return false;
}

async function onnxFilesIn(folder: string, depth: number): Promise<string[]> {
  const entries = await readdir(folder, { withFileTypes: true }).catch(() => []);
  const out: string[] = [];
  for (const e of entries) {
    if (e.name.startsWith('.')) continue;
    const p = join(folder, e.name);
    if (e.isFile() && e.name.toLowerCase().endsWith('.onnx')) out.push(p);
    else if (e.isDirectory() && depth > 0) out.push(...(await onnxFilesIn(p, depth - 1)));
  }
  return out.sort();
}

export function createStudioService(opts: StudioServiceOptions): StudioService {
  const initial = opts.initialModel ? resolve(opts.initialModel) : null;
  const initialData = defaultDataset();
  const workspace = new Workspace(opts.workspace ?? defaultWorkspace());
  let project = DEFAULT_PROJECT;
  const listeners = new Set<(e: StudioEvent) => void>();
  const emit = (e: StudioEvent) => {
    for (const l of listeners) {
      try {
        l(e);
      } catch {
        // A listener that throws (a closed socket) must not stop the others.
      }
    }
  };
  const files = new ModelFiles();
  const models = new ModelViews(files);
  // Previews open datasets in a worker process: a huge or hostile one must not stall other clients.
  const datasets = new DatasetWorker({ launcher: opts.launcher, progressMs: opts.previewProgressMs });
  if (opts.warmPreviews) datasets.warm();
  const runs = new RunManager({ launcher: opts.launcher, emit });
  const userRoots = opts.roots.map((r) => resolve(r));
  // A browser is a remote client: it may only reach files below the allowed roots. The
  // desktop app's user picks files with the system dialog and may open any.
  const restricted = opts.mode === 'serve';
  // The projects folder as a whole: a project saved under a new name still reads the files
  // uploaded into the one it came from.
  const roots = () => [
    ...new Set([bundledModelsDir, ...userRoots, ...(initial ? [dirname(initial)] : []), ...(initialData ? [initialData.path] : []), workspace.projectsDir()]),
  ];

  async function allowedPath(path: string, what: string): Promise<string> {
    const abs = resolve(path);
    const st = await stat(abs).catch(() => null);
    if (!st) throw new GraftError('file-not-found', `${abs}: no such ${what}`);
    if (restricted && !(await isInside(abs, roots()))) {
      throw new GraftError('path-not-allowed', `${abs} is outside the folders this studio may open (${roots().join(', ')}); start it with --root <folder> to allow more`);
    }
    return abs;
  }

  /** A dataset request's progress, pushed under the ticket the page gave it (none without one). */
  const progressOf = (ticket: string | undefined) => (ticket ? (progress: DatasetProgress) => emit({ type: 'dataset', ticket, progress }) : undefined);

  const allowedData = (path: string) => (isAddingSpec(path) ? Promise.resolve(path) : allowedPath(path, 'file or folder'));

  function defaultProject(name: string): ProjectState {
    return {
      name,
      model: initial,
      edits: [],
      data: initial && initialData ? initialData.path : null,
      dataOptions: initial && initialData ? initialData.options : DEFAULT_DATA_OPTIONS,
      train: {},
    };
  }

  return {
    async appInfo(): Promise<AppInfo> {
      return {
        version: packageVersion(),
        mode: opts.mode,
        initialModel: initial,
        initialData,
        workspace: workspace.root,
        // The studio opens on feature extraction: its settings start from that strategy's.
        defaults: { train: { ...DEFAULT_TRAIN_CONFIG, ...STRATEGY_DEFAULTS['feature-extraction'] }, data: DEFAULT_DATA_OPTIONS, strategies: STRATEGY_DEFAULTS, adding: ADDING_TASK_DEFAULTS },
      };
    },
    async listModels(): Promise<ModelEntry[]> {
      const seen = new Set<string>();
      const out: ModelEntry[] = [];
      const add = (path: string, bundled: boolean, label: string) => {
        if (seen.has(path)) return;
        seen.add(path);
        out.push({ path, bundled, label });
      };
      if (initial) add(initial, false, basename(initial));
      for (const p of await onnxFilesIn(bundledModelsDir, 1)) add(p, true, basename(p, '.onnx'));
      for (const root of userRoots) {
        for (const p of await onnxFilesIn(root, 2)) add(p, false, p.slice(root.length + 1));
      }
      return out;
    },
    async openModel(req: { path: string; edits?: Edit[] }): Promise<ModelView> {
      return models.open(await allowedPath(req.path, 'file'), req.edits ?? []);
    },
    async probeModel(req: { path: string }): Promise<ProbeResult> {
      return probeInWorker(await allowedPath(req.path, 'file'), { launcher: opts.launcher });
    },
    async devices(): Promise<DeviceReport[]> {
      return devicesInWorker({ launcher: opts.launcher });
    },
    async openDataset(req: { path: string; model: string; options: DataOptions; ticket?: string }): Promise<DatasetView> {
      return withoutUploadFolders(workspace.projectsDir(), async () => datasets.view(await allowedData(req.path), await allowedPath(req.model, 'file'), req.options, progressOf(req.ticket)));
    },
    async datasetSamples(req: { path: string; model: string; options: DataOptions; split: 'train' | 'val' | 'test'; indices: number[]; ticket?: string }): Promise<SampleView[]> {
      return withoutUploadFolders(workspace.projectsDir(), async () =>
        datasets.samples(await allowedData(req.path), await allowedPath(req.model, 'file'), req.options, req.split, req.indices, progressOf(req.ticket)),
      );
    },
    async browse(req: { path: string | null }): Promise<BrowseResult> {
      const shown = restricted ? roots() : [];
      if (req.path === null && restricted) {
        // The top of the browser in serve mode: the allowed roots themselves.
        const entries = [];
        for (const r of shown) if (await stat(r).catch(() => null)) entries.push({ name: r, path: r, kind: 'dir' as const, bytes: null });
        return { path: '', parent: null, entries, roots: shown };
      }
      // Unrestricted (desktop), the browser starts at the user's home.
      const abs = await allowedPath(req.path ?? homedir(), 'folder');
      return listFolder(abs, shown, async (p) => !restricted || isInside(p, roots()));
    },
    async startRun(req: { config: TrainConfig }): Promise<RunRecord> {
      const config = { ...req.config, model: await allowedPath(req.config.model, 'model file'), data: { ...req.config.data, path: await allowedData(req.config.data.path) } };
      return runs.start(workspace.runsDir(project), config);
    },
    async resumeRun(req: { id: string }): Promise<RunRecord> {
      return runs.resume(workspace.runsDir(project), req.id);
    },
    async renameRun(req: { id: string; label: string }): Promise<RunRecord> {
      return runs.rename(workspace.runsDir(project), req.id, req.label);
    },
    async deleteRun(req: { id: string }): Promise<{ id: string }> {
      await runs.remove(workspace.runsDir(project), req.id);
      return { id: req.id };
    },
    async controlRun(req: { id: string; action: RunAction }): Promise<RunSummary> {
      return runs.control(req.id, req.action);
    },
    async listRuns(): Promise<RunRecord[]> {
      return runs.list(workspace.runsDir(project));
    },
    async exportRun(req: { id: string; path: string }): Promise<{ path: string; bytes: number }> {
      const dest = resolve(req.path);
      if (!dest.toLowerCase().endsWith('.onnx')) throw new GraftError('export-name', `${dest}: an exported model's file name ends in .onnx`);
      if (restricted && !(await isInside(dirname(dest), roots()))) throw new GraftError('path-not-allowed', `${dirname(dest)} is outside the folders this studio may write to; download the file instead`);
      return runs.exportTo(workspace.runsDir(project), req.id, dest);
    },
    async tryRun(req: { id: string; inputs: TryInput[]; top: number }): Promise<TryResult> {
      const started = performance.now();
      const dir = workspace.runsDir(project);
      const run = (await runs.list(dir)).find((r) => r.id === req.id);
      if (!run) throw new GraftError('run-not-found', `no run ${req.id} in this project`);
      const model = await runs.exportFile(dir, req.id);
      const inputs = await Promise.all(req.inputs.map(async (i): Promise<TryInput> => (i.kind === 'image' ? { ...i, path: await allowedPath(i.path, 'image file') } : i)));
      // Samples come from the run's own data, which must still be where the studio may read.
      const data = inputs.some((i) => i.kind === 'sample') ? { ...run.config.data, path: await allowedData(run.config.data.path) } : null;
      const answer = await tryInWorker({ model, data, inputs, top: req.top }, { launcher: opts.launcher });
      return { runId: req.id, ...answer, millis: performance.now() - started };
    },
    async loadProject(req: { name: string | null }): Promise<{ project: ProjectState; runs: RunRecord[] }> {
      const name = req.name ?? (await workspace.lastProject()) ?? DEFAULT_PROJECT;
      let stored: ProjectState | null;
      try {
        stored = await workspace.load(name);
      } catch (e) {
        // Reopening on start must not fail on a damaged file, nor let autosave overwrite it:
        // it is set aside for the user to inspect, and the project starts afresh.
        if (req.name !== null) throw e;
        await workspace.setAside(name).catch(() => {});
        stored = null;
      }
      const loaded = stored ?? defaultProject(name);
      project = loaded.name;
      await workspace.remember(project);
      return { project: loaded, runs: await runs.list(workspace.runsDir(project)) };
    },
    async saveProject(req: { project: ProjectState }): Promise<{ savedAt: string }> {
      // Switch projects only once saved: a refused name must not become the current project.
      const savedAt = await workspace.save(req.project);
      project = req.project.name;
      return { savedAt };
    },
    async listProjects(): Promise<ProjectSummary[]> {
      return workspace.list();
    },
    onEvent(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    workspaceDir: () => workspace.root,
    uploadsDir: () => workspace.uploadsDir(project),
    runExportFile: (id) => runs.exportFile(workspace.runsDir(project), id),
    close: () => {
      runs.killAll();
      datasets.close();
    },
  };
}
