// Training from the studio: the panel's settings, the project's runs (live ones updated by the
// engine's pushed events), and which run the training panel shows.
import type { StateCreator } from 'zustand';
import type { RunAction, RunEvent, RunRecord, StudioEvent, TrainConfig } from '../../../src-main/api/contract.js';
import { host } from '../host.js';
import { toShown } from './errors.js';
import { flatEdits } from './edit-groups.js';
import { eventRunId } from '../../../src-main/api/run-fold.js';
import { withStudioEvent } from './run-record.js';
import { type Blocker, FIX_VALIDATION_SHARE, headBlocker, inputShapeBlocker, noDataBlocker, validationBlocker } from './train-guards.js';
import type { StudioState } from './store.js';

/** What the training panel sets; model, data, edits and data options come from elsewhere. */
export type TrainSettings = Pick<
  TrainConfig,
  'epochs' | 'batchSize' | 'optimizer' | 'lr' | 'momentum' | 'weightDecay' | 'schedule' | 'clipNorm' | 'augment' | 'cache' | 'earlyStopPatience' | 'device' | 'batchnorm' | 'lrMultipliers'
> & {
  /** Re-initialise every weight: the baseline that transfer learning has to beat. */
  scratch: boolean;
};

/** The settings the panel keeps; their defaults are the engine's (AppInfo.defaults.train). */
export const SETTING_KEYS = ['epochs', 'batchSize', 'optimizer', 'lr', 'momentum', 'weightDecay', 'schedule', 'clipNorm', 'augment', 'cache', 'earlyStopPatience', 'device', 'batchnorm', 'lrMultipliers', 'scratch'] as const;

/** The panel's settings from stored ones over the engine's defaults; unknown fields dropped. */
export function settingsFrom(defaults: Partial<TrainConfig>, stored: Partial<TrainSettings> = {}): TrainSettings {
  const out: Record<string, unknown> = { scratch: false };
  for (const source of [defaults, stored] as Record<string, unknown>[]) {
    for (const k of SETTING_KEYS) if (source[k] !== undefined) out[k] = source[k];
  }
  return out as TrainSettings;
}

export interface TrainSlice {
  /** Null until the engine's defaults have arrived. */
  settings: TrainSettings | null;
  runs: RunRecord[];
  /** The run the training panel shows. */
  activeRun: string | null;
  starting: boolean;
  setSettings(patch: Partial<TrainSettings>): void;
  startRun(): Promise<void>;
  controlRun(action: RunAction): Promise<void>;
  /** Continues a crashed run from its last checkpoint. */
  resumeCrashedRun(id: string): Promise<void>;
  renameRun(id: string, label: string): Promise<void>;
  /** Deletes a finished run (the engine refuses a live one); shows the latest left. */
  deleteRun(id: string): Promise<void>;
  showRun(id: string): void;
  onEngineEvent(e: StudioEvent): void;
  /** Why training cannot start now, or null. */
  trainBlocker(): string | null;
  /** The first thing that stops a run, with its one-click fix (TrainTab shows both). */
  trainGuard(): Blocker | null;
}

/** Events of a run whose startRun answer has not arrived yet. */
const early = new Map<string, RunEvent[]>();

function replayEarly(run: RunRecord): RunRecord {
  const events = early.get(run.id) ?? [];
  early.delete(run.id);
  return events.reduce(withStudioEvent, run);
}

export const createTrainSlice: StateCreator<StudioState, [], [], TrainSlice> = (set, get) => ({
  settings: null,
  runs: [],
  activeRun: null,
  starting: false,

  setSettings(patch) {
    const settings = get().settings;
    if (settings) set({ settings: { ...settings, ...patch } });
  },

  trainBlocker() {
    return get().trainGuard()?.message ?? null;
  },

  trainGuard() {
    const { model, data, dataset, surgery, dataLoading, editing } = get();
    const plain = (message: string): Blocker => ({ message, fix: null });
    if (!model) return plain('Open a model first.');
    if (!data) return noDataBlocker(model.summary.inputs[0]?.shape ?? null, get().appInfo?.defaults.adding.samples);
    if (dataLoading || editing) return plain('Wait for the dataset and the model to finish loading.');
    if (!dataset) return plain('The dataset could not be opened; see the Data tab.');
    // Data that cannot enter the model comes first: no head swap would fix it.
    const shape = inputShapeBlocker(model.summary.inputs[0]?.shape ?? null, dataset.inputShape, dataset.images, get().appInfo?.defaults.adding.samples);
    if (shape) return shape;
    if (surgery && surgery.trainableParams === 0) return plain('Everything is frozen: unfreeze at least the head on the Model tab.');
    const head = headBlocker(model.summary.head, dataset.task, dataset.classes?.length);
    if (head) return head;
    const validation = validationBlocker(dataset.splits);
    return validation ? { message: validation, fix: { kind: 'validation', label: `Hold out ${FIX_VALIDATION_SHARE * 100}% for validation` } } : null;
  },

  async startRun() {
    const blocker = get().trainBlocker();
    if (blocker) {
      set({ error: { code: 'not-ready', message: blocker, context: 'Starting training' } });
      return;
    }
    const { model, data, settings, history, appInfo } = get();
    const { scratch, ...rest } = settings!;
    const config: TrainConfig = {
      ...(appInfo!.defaults.train as Omit<TrainConfig, 'model' | 'data'>),
      ...rest,
      model: model!.summary.path,
      data: { path: data!.path, options: data!.options },
      edits: flatEdits(history),
      reinit: scratch,
      seed: data!.options.seed,
    };
    set({ starting: true, error: null });
    try {
      const run = replayEarly(await host.api.startRun({ config }));
      set({ runs: [...get().runs.filter((r) => r.id !== run.id), run], activeRun: run.id });
    } catch (err) {
      set({ error: toShown(err, 'Starting training') });
    } finally {
      set({ starting: false });
    }
  },

  async controlRun(action) {
    const id = get().activeRun;
    if (!id) return;
    try {
      const s = await host.api.controlRun({ id, action });
      set({ runs: get().runs.map((r) => (r.id === id ? { ...r, status: s.status, error: s.error } : r)) });
    } catch (err) {
      set({ error: toShown(err, `${action[0].toUpperCase()}${action.slice(1)} the run`) });
    }
  },

  async resumeCrashedRun(id) {
    try {
      const run = await host.api.resumeRun({ id });
      set({ runs: get().runs.map((r) => (r.id === id ? run : r)) });
    } catch (err) {
      set({ error: toShown(err, 'Resume the run') });
    }
  },

  async renameRun(id, label) {
    try {
      const run = await host.api.renameRun({ id, label });
      set({ runs: get().runs.map((r) => (r.id === id ? { ...r, label: run.label } : r)) });
    } catch (err) {
      set({ error: toShown(err, 'Rename the run') });
    }
  },

  async deleteRun(id) {
    try {
      await host.api.deleteRun({ id });
      const runs = get().runs.filter((r) => r.id !== id);
      set({ runs, activeRun: get().activeRun === id ? (runs[runs.length - 1]?.id ?? null) : get().activeRun });
    } catch (err) {
      set({ error: toShown(err, 'Delete the run') });
    }
  },

  showRun(id) {
    set({ activeRun: id });
  },

  onEngineEvent(e) {
    // Dataset progress belongs to the data slice; everything else to a run.
    if (e.type === 'dataset') {
      get().onDatasetProgress(e);
      return;
    }
    const id = eventRunId(e);
    if (!get().runs.some((r) => r.id === id)) {
      early.set(id, [...(early.get(id) ?? []), e]);
      return;
    }
    set({ runs: get().runs.map((r) => (r.id === id ? withStudioEvent(r, e) : r)) });
    // The project list counts runs.
    if (e.type === 'run-status' && e.run.status !== 'running' && e.run.status !== 'paused') void get().refreshProjects();
  },
});
