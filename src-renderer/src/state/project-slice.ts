// The project: restored on start (so a crash loses at most the last second of work) and saved
// automatically, atomically, whenever the model, its edits, the dataset or the settings change.
import type { StateCreator } from 'zustand';
import type { ProjectState, ProjectSummary } from '../../../src-main/api/contract.js';
import { host } from '../host.js';
import { toShown } from './errors.js';
import { flatEdits, groupsOf } from './edit-groups.js';
import { settingsFrom } from './train-slice.js';
import type { StudioState } from './store.js';

export interface ProjectSlice {
  projectName: string;
  savedAt: string | null;
  saving: 'idle' | 'pending' | 'saving' | 'error';
  /** A project is being opened: its half-restored state must not be autosaved. */
  restoring: boolean;
  projects: ProjectSummary[];
  start(): Promise<void>;
  loadProject(name: string | null): Promise<void>;
  saveProjectAs(name: string): Promise<void>;
  /**
   * A fresh project named `name`: no edits, no runs. With `modelPath`, that model (and no
   * dataset: one is chosen for a model); without, the current model and dataset. When the
   * model fails to open, the current project stays as it was.
   */
  newProject(name: string, modelPath?: string): Promise<void>;
  refreshProjects(): Promise<void>;
  /** The project as it would be saved now. */
  projectState(): ProjectState;
  saveNow(): Promise<void>;
  /** Writes an autosave still waiting, before the studio leaves the project. */
  flushPendingSave(): Promise<void>;
}

export const createProjectSlice: StateCreator<StudioState, [], [], ProjectSlice> = (set, get) => ({
  projectName: 'untitled',
  savedAt: null,
  saving: 'idle',
  restoring: false,
  projects: [],

  async start() {
    try {
      const [info, models] = await Promise.all([host.api.appInfo(), host.api.listModels()]);
      set({ appInfo: info, models });
      host.onEvent((e) => get().onEngineEvent(e));
      await get().loadProject(null);
      void get().refreshProjects();
    } catch (err) {
      set({ error: toShown(err, 'Connecting to the studio engine') });
    } finally {
      set({ started: true });
    }
  },

  async loadProject(name) {
    await get().flushPendingSave();
    set({ restoring: true });
    try {
      const { project, runs } = await host.api.loadProject({ name });
      set({
        projectName: project.name,
        runs,
        activeRun: runs.length ? runs[runs.length - 1].id : null,
        settings: settingsFrom(get().appInfo?.defaults.train ?? {}, project.train),
        savedAt: null,
        data: null,
        dataset: null,
        samples: [],
        model: null,
        surgery: null,
        index: null,
      });
      if (project.model) await get().openModel(project.model, groupsOf(project.edits, project.history));
      if (project.data) await get().setData(project.data, project.dataOptions);
      set({ saving: 'idle' });
    } catch (err) {
      set({ error: toShown(err, name ? `Opening the project "${name}"` : 'Restoring the last project') });
    } finally {
      set({ restoring: false });
    }
  },

  async saveProjectAs(name) {
    set({ projectName: name, runs: [], activeRun: null });
    await get().saveNow();
    await get().refreshProjects();
  },

  async newProject(name, modelPath) {
    await get().flushPendingSave();
    const path = modelPath ?? get().model?.summary.path ?? null;
    // Nothing is autosaved until the new project stands: the old one must not take the new model.
    set({ restoring: true });
    try {
      if (path) {
        await get().openModel(path);
        if (get().model?.summary.path !== path) return;
      }
      // Another model starts from scratch: no dataset, and the engine's training settings rather
      // than the ones tuned for the previous model.
      const fresh = modelPath ? { data: null, dataset: null, samples: [], settings: settingsFrom(get().appInfo?.defaults.train ?? {}) } : {};
      set({ projectName: name, runs: [], activeRun: null, savedAt: null, history: [], future: [], ...fresh });
    } finally {
      set({ restoring: false });
    }
    await get().saveNow();
    await get().refreshProjects();
  },

  async refreshProjects() {
    try {
      set({ projects: await host.api.listProjects() });
    } catch (err) {
      set({ error: toShown(err, 'Listing projects') });
    }
  },

  projectState() {
    const { projectName, model, history, data, settings, appInfo } = get();
    return {
      name: projectName,
      model: model?.summary.path ?? null,
      edits: flatEdits(history),
      history: history.map((g) => ({ label: g.label, count: g.edits.length })),
      data: data?.path ?? null,
      dataOptions: data?.options ?? appInfo?.defaults.data ?? { classes: null, perClassLimit: null, valFraction: 0.1, seed: 0 },
      train: { ...settings },
    };
  },

  async flushPendingSave() {
    // An edit made just before a switch waits for the debounced autosave, which a restore
    // cancels: write it now, to the project it belongs to.
    if (get().started && get().saving === 'pending') await get().saveNow();
  },

  async saveNow() {
    set({ saving: 'saving' });
    try {
      const { savedAt } = await host.api.saveProject({ project: get().projectState() });
      set({ savedAt, saving: 'idle' });
    } catch (err) {
      set({ saving: 'error', error: toShown(err, 'Saving the project') });
    }
  },
});
