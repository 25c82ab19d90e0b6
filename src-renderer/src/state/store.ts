// App state in two slices: the model (what the engine returned) and the view (what the user
// opened and selected). Actions talk to the engine through the API client.
import { create } from 'zustand';
import type { AppInfo, ModelEntry, ModelView } from '../../../src-main/api/contract.js';
import { createClient } from '../api/client.js';
import { defaultExpanded, indexModel } from '../graph/blocks.js';
import type { BlockIndex } from '../graph/blocks.js';

export interface ShownError {
  code: string;
  message: string;
  /** What the user was doing, e.g. "Opening /x/y.onnx". */
  context: string;
}

export interface ModelSlice {
  appInfo: AppInfo | null;
  /** True once start() has finished (the initial model, if any, opened or failed). */
  started: boolean;
  models: ModelEntry[];
  model: ModelView | null;
  index: BlockIndex | null;
  /** Path being opened, or null. */
  loading: string | null;
  error: ShownError | null;
  start(): Promise<void>;
  openModel(path: string): Promise<void>;
  showError(err: unknown, context: string): void;
  dismissError(): void;
}

export type Selection = { type: 'block'; path: string } | { type: 'node'; id: string } | null;

export interface ViewSlice {
  expanded: ReadonlySet<string>;
  selection: Selection;
  toggleExpanded(path: string): void;
  setExpanded(path: string, open: boolean): void;
  select(selection: Selection): void;
}

export type StudioState = ModelSlice & ViewSlice;

const api = createClient();

function toShown(err: unknown, context: string): ShownError {
  const e = err as { code?: unknown; message?: unknown };
  return {
    code: typeof e?.code === 'string' ? e.code : 'internal',
    message: typeof e?.message === 'string' && e.message ? e.message : String(err),
    context,
  };
}

export const useStudio = create<StudioState>()((set, get) => ({
  appInfo: null,
  started: false,
  models: [],
  model: null,
  index: null,
  loading: null,
  error: null,

  async start() {
    try {
      const [info, models] = await Promise.all([api.appInfo(), api.listModels()]);
      set({ appInfo: info, models });
      if (info.initialModel) await get().openModel(info.initialModel);
    } catch (err) {
      set({ error: toShown(err, 'Connecting to the studio engine') });
    } finally {
      set({ started: true });
    }
  },

  async openModel(path) {
    set({ loading: path, error: null });
    try {
      const model = await api.openModel({ path });
      // A later open wins over an earlier one that finished late.
      if (get().loading !== path) return;
      set({ model, index: indexModel(model), loading: null, expanded: defaultExpanded(model.root), selection: null });
    } catch (err) {
      if (get().loading !== path) return;
      set({ loading: null, error: toShown(err, `Opening ${path}`) });
    }
  },

  showError(err, context) {
    set({ error: toShown(err, context) });
  },

  dismissError() {
    set({ error: null });
  },

  expanded: new Set<string>(),
  selection: null,

  toggleExpanded(path) {
    get().setExpanded(path, !get().expanded.has(path));
  },

  setExpanded(path, open) {
    const next = new Set(get().expanded);
    if (open) next.add(path);
    else next.delete(path);
    set({ expanded: next });
  },

  select(selection) {
    set({ selection });
  },
}));
