// What the user looks at: the tab, the expanded blocks, the selection.
import type { StateCreator } from 'zustand';
import { isExpandable } from '../graph/blocks.js';
import type { StudioState } from './store.js';

export type Selection = { type: 'block'; path: string } | { type: 'node'; id: string } | null;
export type Tab = 'model' | 'data' | 'train' | 'try' | 'compare';

export interface ViewSlice {
  tab: Tab;
  expanded: ReadonlySet<string>;
  selection: Selection;
  /** Blocks picked with a box or Shift+click, for "freeze/unfreeze selected". */
  picked: ReadonlySet<string>;
  /** A block the canvas should bring into view once it is laid out (from search). */
  focus: { path: string; seq: number } | null;
  setTab(tab: Tab): void;
  toggleExpanded(path: string): void;
  setExpanded(path: string, open: boolean): void;
  /** A dialog another panel asked the Model tab to open ("Swap the head" from a Train guard). */
  dialogRequest: 'head' | null;
  requestDialog(dialog: 'head' | null): void;
  /** Bumped when the canvas should fit the graph again (after collapse/expand all). */
  fitRequest: number;
  /** Opens every block that can open, or closes them all (top-level blocks only). */
  setAllExpanded(open: boolean): void;
  /** The open blocks as a whole (the first view of a model keeps those that fit). */
  replaceExpanded(expanded: ReadonlySet<string>): void;
  select(selection: Selection): void;
  setPicked(paths: Iterable<string>): void;
  /**
   * Opens the block's ancestors, selects it and asks the canvas to centre it. With `base`,
   * the blocks open are `base` plus those ancestors (stepping through search matches closes
   * what the previous step opened, so the graph stays small and quick to lay out).
   */
  focusBlock(path: string, base?: ReadonlySet<string>): void;
  focusDone(): void;
}

export const createViewSlice: StateCreator<StudioState, [], [], ViewSlice> = (set, get) => ({
  tab: 'model',
  expanded: new Set<string>(),
  selection: null,
  picked: new Set<string>(),
  focus: null,
  fitRequest: 0,
  dialogRequest: null,
  requestDialog(dialog) {
    set({ dialogRequest: dialog });
  },
  setTab(tab) {
    set({ tab });
  },
  toggleExpanded(path) {
    get().setExpanded(path, !get().expanded.has(path));
  },
  setExpanded(path, open) {
    const next = new Set(get().expanded);
    if (open) next.add(path);
    else next.delete(path);
    set({ expanded: next });
  },
  replaceExpanded(expanded) {
    set({ expanded });
  },
  setAllExpanded(open) {
    const index = get().index;
    const fitRequest = get().fitRequest + 1;
    if (!open || !index) {
      set({ expanded: new Set<string>(), fitRequest });
      return;
    }
    set({ fitRequest, expanded: new Set([...index.byPath.values()].filter((b) => b.path !== '' && isExpandable(b)).map((b) => b.path)) });
  },
  select(selection) {
    set({ selection });
  },
  setPicked(paths) {
    set({ picked: new Set(paths) });
  },
  focusBlock(path, base) {
    const expanded = new Set(base ?? get().expanded);
    const parts = path.split('/');
    for (let i = 1; i < parts.length; i++) expanded.add(parts.slice(0, i).join('/'));
    set({ expanded, selection: { type: 'block', path }, focus: { path, seq: (get().focus?.seq ?? 0) + 1 } });
  },
  focusDone() {
    set({ focus: null });
  },
});
