// The studio's state, in slices: the model and its edits, the view, the dataset, training runs
// and the project that holds them all. Actions talk to the engine through the API client.
import { create } from 'zustand';
import { createDataSlice, type DataSlice } from './data-slice.js';
import { createModelSlice, type ModelSlice } from './model-slice.js';
import { createProjectSlice, type ProjectSlice } from './project-slice.js';
import { createTrainSlice, type TrainSlice } from './train-slice.js';
import { createTrySlice, type TrySlice } from './try-slice.js';
import { createViewSlice, type ViewSlice } from './view-slice.js';

export type { Selection, Tab } from './view-slice.js';
export type { ShownError } from './errors.js';

export type StudioState = ModelSlice & ViewSlice & DataSlice & TrainSlice & ProjectSlice & TrySlice;

export const useStudio = create<StudioState>()((...a) => ({
  ...createModelSlice(...a),
  ...createViewSlice(...a),
  ...createDataSlice(...a),
  ...createTrainSlice(...a),
  ...createProjectSlice(...a),
  ...createTrySlice(...a),
}));

// Autosave: what the project file holds changed, so write it (debounced; the engine writes
// atomically). Nothing is saved while a project is being restored.
const AUTOSAVE_MS = 500;
let timer: ReturnType<typeof setTimeout> | null = null;
let lastSaved = '';
useStudio.subscribe((s) => {
  if (!s.started || s.restoring || s.loading !== null) return;
  const key = JSON.stringify(s.projectState());
  if (key === lastSaved) return;
  lastSaved = key;
  if (timer) clearTimeout(timer);
  useStudio.setState({ saving: 'pending' });
  timer = setTimeout(() => {
    // A restore that began meanwhile saves its own result when it ends.
    if (!useStudio.getState().restoring) void useStudio.getState().saveNow();
  }, AUTOSAVE_MS);
});
