// The open model and its edit history. The engine replays the whole edit list on every change
// (undo = the list without its last group), so the view is always what the edit list says.
import type { StateCreator } from 'zustand';
import type { AppInfo, Edit, ModelEntry, ModelView, SurgeryView } from '../../../src-main/api/contract.js';
import { defaultExpanded, indexModel } from '../graph/blocks.js';
import type { BlockIndex } from '../graph/blocks.js';
import { host } from '../host.js';
import { changesGraph, type EditGroup, flatEdits } from './edit-groups.js';
import { type ShownError, toShown } from './errors.js';
import type { StudioState } from './store.js';

export interface ModelSlice {
  appInfo: AppInfo | null;
  /** True once start() has finished (the project, if any, restored or failed). */
  started: boolean;
  models: ModelEntry[];
  /** The drawn model: replaced only when the graph changes, so freezing never re-lays it out. */
  model: ModelView | null;
  surgery: SurgeryView | null;
  index: BlockIndex | null;
  history: EditGroup[];
  future: EditGroup[];
  /** Path being opened, or null. */
  loading: string | null;
  /** An edit is being applied by the engine. */
  editing: boolean;
  error: ShownError | null;
  openModel(path: string, restore?: EditGroup[]): Promise<void>;
  applyEdit(label: string, edits: Edit[]): Promise<void>;
  undo(): Promise<void>;
  redo(): Promise<void>;
  showError(err: unknown, context: string): void;
  dismissError(): void;
}

const graphKey = (edits: Edit[]) => JSON.stringify(edits.filter(changesGraph));

let requestSeq = 0;

export const createModelSlice: StateCreator<StudioState, [], [], ModelSlice> = (set, get) => {
  /** Asks the engine for the model with `history` applied; on refusal nothing changes. */
  async function replay(history: EditGroup[], future: EditGroup[], context: string, dropNoOp = false): Promise<boolean> {
    const model = get().model;
    if (!model) return false;
    const seq = ++requestSeq;
    set({ editing: true, error: null });
    try {
      const view = await host.api.openModel({ path: model.summary.path, edits: flatEdits(history) });
      if (seq !== requestSeq) return false;
      const before = get().surgery;
      const sameGraph = graphKey(view.surgery.edits) === graphKey(before?.edits ?? []);
      if (dropNoOp && sameGraph && before && JSON.stringify(before.trainableByBlock) === JSON.stringify(view.surgery.trainableByBlock)) {
        // Freezing what is already frozen: nothing changed, so nothing to undo either.
        set({ editing: false });
        return false;
      }
      set({
        history,
        future,
        surgery: view.surgery,
        editing: false,
        ...(sameGraph ? {} : { model: view, index: indexModel(view), selection: null }),
      });
      return true;
    } catch (err) {
      if (seq === requestSeq) set({ editing: false, error: toShown(err, context) });
      return false;
    }
  }

  return {
    appInfo: null,
    started: false,
    models: [],
    model: null,
    surgery: null,
    index: null,
    history: [],
    future: [],
    loading: null,
    editing: false,
    error: null,

    async openModel(path, restore = []) {
      set({ loading: path, error: null });
      try {
        let view: ModelView;
        let history = restore;
        try {
          view = await host.api.openModel({ path, edits: flatEdits(restore) });
        } catch (err) {
          // A stored edit list that no longer applies: open the model as it is, and say so.
          if (restore.length === 0) throw err;
          view = await host.api.openModel({ path, edits: [] });
          history = [];
          set({ error: toShown(err, `Replaying the project's edits on ${path}`) });
        }
        // A later open wins over an earlier one that finished late.
        if (get().loading !== path) return;
        set({
          model: view,
          surgery: view.surgery,
          index: indexModel(view),
          history,
          future: [],
          loading: null,
          expanded: defaultExpanded(view.root),
          selection: null,
        });
      } catch (err) {
        if (get().loading !== path) return;
        set({ loading: null, error: toShown(err, `Opening ${path}`) });
      }
    },

    async applyEdit(label, edits) {
      await replay([...get().history, { label, edits }], [], label, true);
    },

    async undo() {
      const { history, future } = get();
      const last = history[history.length - 1];
      if (!last) return;
      await replay(history.slice(0, -1), [last, ...future], `Undo "${last.label}"`);
    },

    async redo() {
      const { history, future } = get();
      const next = future[0];
      if (!next) return;
      await replay([...history, next], future.slice(1), `Redo "${next.label}"`);
    },

    showError(err, context) {
      set({ error: toShown(err, context) });
    },

    dismissError() {
      set({ error: null });
    },
  };
};
