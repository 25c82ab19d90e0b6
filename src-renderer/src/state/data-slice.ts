// The dataset: where it is, how it is read (class subset, per-class limit, validation share,
// seed), what the engine found in it, and sample previews of exactly what the network sees.
import type { StateCreator } from 'zustand';
import type { DataOptions, DatasetEvent, DatasetProgress, DatasetView, SampleView } from '../../../src-main/api/contract.js';
import { datasetName, type PickedFile } from '../api/uploads.js';
import { host } from '../host.js';
import { toShown } from './errors.js';
import type { StudioState } from './store.js';

const PREVIEW_SAMPLES = 16;

export interface DataSlice {
  data: { path: string; options: DataOptions } | null;
  dataset: DatasetView | null;
  samples: SampleView[];
  dataLoading: boolean;
  /**
   * What the engine is doing for the dataset being opened: the request's ticket, whether the
   * dataset itself has arrived and its preview samples are being drawn, and the latest counts.
   */
  dataWait: { ticket: string; samples: boolean; progress: DatasetProgress | null } | null;
  upload: { done: number; total: number } | null;
  setData(path: string, options?: DataOptions): Promise<void>;
  setDataOptions(options: DataOptions): Promise<void>;
  /** Files dropped or picked: paths in the desktop app, uploaded in a browser. */
  addFiles(files: PickedFile[], paths: string[] | null): Promise<void>;
  /** The engine's progress on a dataset request (those of other pages or older requests are ignored). */
  onDatasetProgress(e: DatasetEvent): void;
}

/** Evenly spread over the train split, so every class tends to show. */
function previewIndices(n: number): number[] {
  const k = Math.min(PREVIEW_SAMPLES, n);
  return Array.from({ length: k }, (_, i) => Math.floor((i * n) / k));
}

let seq = 0;
/** This page's own prefix for tickets: the engine pushes every page's progress to every page. */
const PAGE = Math.random().toString(36).slice(2, 10);

export const createDataSlice: StateCreator<StudioState, [], [], DataSlice> = (set, get) => ({
  data: null,
  dataset: null,
  samples: [],
  dataLoading: false,
  dataWait: null,
  upload: null,

  async setData(path, options) {
    // Another dataset starts with all its classes, samples and names; the split settings carry over.
    const prev = get().data;
    const base = prev?.options ?? get().appInfo?.defaults.data ?? { classes: null, perClassLimit: null, valFraction: 0.1, seed: 0 };
    const opts = options ?? (prev?.path === path ? base : { ...base, classes: null, perClassLimit: null, renames: null });
    const model = get().model;
    if (!model) {
      set({ data: { path, options: opts } });
      return;
    }
    const mine = ++seq;
    const ticket = `${PAGE}-${mine}`;
    // Shown at once (a ticked class stays ticked); put back if the engine refuses it, so a
    // wrong path or option loses nothing.
    set({ data: { path, options: opts }, dataLoading: true, dataWait: { ticket, samples: false, progress: null }, error: null });
    try {
      const dataset = await host.api.openDataset({ path, model: model.summary.path, options: opts, ticket });
      if (mine !== seq) return;
      set({ dataset, samples: [], dataWait: { ticket, samples: true, progress: null } });
      if (dataset.splits.train > 0) {
        const samples = await host.api.datasetSamples({ path, model: model.summary.path, options: opts, split: 'train', indices: previewIndices(dataset.splits.train), ticket });
        if (mine === seq) set({ samples });
      }
    } catch (err) {
      if (mine === seq) set({ data: prev, error: toShown(err, `Opening "${datasetName(path)}"`) });
    } finally {
      if (mine === seq) set({ dataLoading: false, dataWait: null });
    }
  },

  onDatasetProgress(e) {
    const wait = get().dataWait;
    if (wait && e.ticket === wait.ticket) set({ dataWait: { ...wait, progress: e.progress } });
  },

  async setDataOptions(options) {
    const d = get().data;
    if (d) await get().setData(d.path, options);
  },

  async addFiles(files, paths) {
    try {
      if (paths) {
        // Desktop: one dropped folder or file is the dataset itself.
        if (paths.length !== 1) throw new Error(`drop one folder or one file (got ${paths.length}); a folder of class folders, a CSV file or a folder of IDX files`);
        await get().setData(paths[0]);
        return;
      }
      if (!host.web) throw new Error('this host takes files by path, not by upload');
      set({ upload: { done: 0, total: files.length } });
      const root = await host.web.upload(files, (done, total) => set({ upload: { done, total } }));
      set({ upload: null });
      await get().setData(root);
    } catch (err) {
      set({ upload: null, error: toShown(err, 'Adding the dropped files') });
    }
  },
});
