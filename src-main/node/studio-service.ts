// The engine behind the API: what both transports (Electron IPC and `graft serve`) call.
import { readdir, realpath, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve, sep } from 'node:path';
import type { AppInfo, ModelEntry, ModelView, ProbeResult, StudioApi } from '../api/contract.js';
import { GraftError } from '../core/errors.js';
import { describeModel } from '../core/view/model-view.js';
import { readModelFile } from './model-file.js';
import { probeInWorker } from './probe/probe.js';
import { bundledModelsDir, packageVersion } from './resources.js';
import type { WorkerLauncher } from './worker-process.js';

export interface StudioServiceOptions {
  mode: 'electron' | 'serve';
  initialModel: string | null;
  /** Folders the UI may open models from, besides the bundled models. */
  roots: string[];
  /** How workers are started (utilityProcess under Electron); child_process.fork by default. */
  launcher?: WorkerLauncher;
}

/** Opens a model file and describes it for the UI. */
export async function openModelView(path: string): Promise<ModelView> {
  const file = await readModelFile(path);
  const { unresolvedShapes: _unused, ...view } = describeModel(file.model, file.graph, {
    path: file.path,
    fileName: basename(file.path),
    fileBytes: file.fileBytes,
  });
  return view;
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

export function createStudioService(opts: StudioServiceOptions): StudioApi {
  const initial = opts.initialModel ? resolve(opts.initialModel) : null;
  const roots = [bundledModelsDir, ...opts.roots.map((r) => resolve(r)), ...(initial ? [dirname(initial)] : [])];
  // A browser is a remote client: it may only reach files below the allowed roots. The
  // desktop app's user picks files with the system dialog and may open any.
  const restricted = opts.mode === 'serve';

  async function allowedPath(path: unknown): Promise<string> {
    if (typeof path !== 'string' || path.length === 0 || path.includes('\0')) throw new GraftError('bad-request', 'a model path is required');
    const abs = resolve(path);
    const st = await stat(abs).catch(() => null);
    if (!st) throw new GraftError('file-not-found', `${abs}: no such file`);
    if (restricted && !(await isInside(abs, roots))) {
      throw new GraftError('path-not-allowed', `${abs} is outside the folders this studio may open (${roots.join(', ')}); start it with --root <folder> to allow more`);
    }
    return abs;
  }

  return {
    async appInfo(): Promise<AppInfo> {
      return { version: packageVersion(), mode: opts.mode, initialModel: initial };
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
      for (const root of opts.roots) {
        for (const p of await onnxFilesIn(resolve(root), 2)) add(p, false, p.slice(resolve(root).length + 1));
      }
      return out;
    },
    async openModel(req: { path: string }): Promise<ModelView> {
      return openModelView(await allowedPath(req?.path));
    },
    async probeModel(req: { path: string }): Promise<ProbeResult> {
      return probeInWorker(await allowedPath(req?.path), { launcher: opts.launcher });
    },
  };
}
