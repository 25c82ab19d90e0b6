// The Try panel: a trained run's model on the user's own images, or on samples of the run's
// data. The engine runs the model (in a worker, with the run's preprocessing); the panel keeps
// the answers, with the dropped images' own pictures beside them.
import type { StateCreator } from 'zustand';
import type { TryInput, TryPrediction, TryResult } from '../../../src-main/api/contract.js';
import type { PickedFile } from '../api/uploads.js';
import { host } from '../host.js';
import type { StudioState } from './store.js';
import { distinctNames, randomIndices, sampleSplit, triedRun } from './try-runs.js';

/** Inputs per request (the engine's limit): a drop of more is tried in the first ones. */
export const MAX_TRY_INPUTS = 32;
/** Classes shown per input. */
export const TRY_TOP = 5;

export interface TryCard {
  key: string;
  /** The dropped image as the user knows it (an object URL), when there is one. */
  picture: string | null;
  prediction: TryPrediction;
}

export interface TrySlice {
  /** The run the Try panel uses; null follows the latest run with a model. */
  tryRunId: string | null;
  tryResult: { runId: string; task: TryResult['task']; cards: TryCard[]; millis: number; note: string | null } | null;
  trying: string | null;
  tryProblem: string | null;
  setTryRun(id: string | null): void;
  /** Dropped or picked images: paths in the desktop app, uploaded in a browser. */
  tryImages(files: PickedFile[], paths: string[] | null): Promise<void>;
  /** `count` samples drawn at random from the run's test split (validation when it has none). */
  trySamples(count: number): Promise<void>;
}

let seq = 0;

export const createTrySlice: StateCreator<StudioState, [], [], TrySlice> = (set, get) => {
  /** Runs the request and keeps its answer, unless a newer request has started since. */
  async function run(inputs: TryInput[], pictures: (string | null)[], what: string, note: string | null): Promise<void> {
    const r = triedRun(get().runs, get().tryRunId);
    if (!r) return;
    const mine = ++seq;
    set({ trying: what, tryProblem: null });
    try {
      const result = await host.api.tryRun({ id: r.id, inputs, top: TRY_TOP });
      if (mine !== seq) return;
      for (const c of get().tryResult?.cards ?? []) if (c.picture) URL.revokeObjectURL(c.picture);
      const cards = result.predictions.map((prediction, i) => ({ key: `${mine}-${i}`, picture: pictures[i] ?? null, prediction }));
      set({ tryResult: { runId: r.id, task: result.task, cards, millis: result.millis, note } });
    } catch (err) {
      if (mine === seq) set({ tryProblem: (err as Error).message || String(err) });
    } finally {
      if (mine === seq) set({ trying: null });
    }
  }

  return {
    tryRunId: null,
    tryResult: null,
    trying: null,
    tryProblem: null,

    setTryRun(id) {
      set({ tryRunId: id });
    },

    async tryImages(files, paths) {
      const count = paths ? paths.length : files.length;
      if (count === 0) return;
      const note = count > MAX_TRY_INPUTS ? `${count} files dropped; the first ${MAX_TRY_INPUTS} are tried` : null;
      const kept = files.slice(0, MAX_TRY_INPUTS);
      const pictures = kept.map((f) => URL.createObjectURL(f.file));
      let imagePaths: string[];
      try {
        if (paths) imagePaths = paths.slice(0, MAX_TRY_INPUTS);
        else {
          if (!host.web) throw new Error('this host takes files by path, not by upload');
          // Flat, distinct names: the engine gets one folder of images back.
          const names = distinctNames(kept.map((f) => f.file.name));
          set({ trying: `Uploading ${kept.length} image${kept.length === 1 ? '' : 's'}…`, tryProblem: null });
          const root = await host.web.upload(
            kept.map((f, i) => ({ file: f.file, relativePath: names[i] })),
            () => {},
          );
          imagePaths = names.map((n) => `${root}/${n}`);
        }
      } catch (err) {
        pictures.forEach((p) => URL.revokeObjectURL(p));
        set({ trying: null, tryProblem: (err as Error).message || String(err) });
        return;
      }
      await run(
        imagePaths.map((path) => ({ kind: 'image', path })),
        pictures,
        `Running the model on ${imagePaths.length} image${imagePaths.length === 1 ? '' : 's'}…`,
        note,
      );
    },

    async trySamples(count) {
      const r = triedRun(get().runs, get().tryRunId);
      const from = r && sampleSplit(r);
      if (!from) {
        set({ tryProblem: 'this run has no test or validation samples to draw from' });
        return;
      }
      const inputs = randomIndices(from.size, count).map((index): TryInput => ({ kind: 'sample', split: from.split, index }));
      await run(inputs, [], `Running the model on ${inputs.length} ${from.split === 'test' ? 'test' : 'validation'} samples…`, null);
    },
  };
};
