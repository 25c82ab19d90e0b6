// What the user looks at: the tab, the expanded blocks, the selection.
import type { StateCreator } from 'zustand';
import type { StudioState } from './store.js';

export type Selection = { type: 'block'; path: string } | { type: 'node'; id: string } | null;
export type Tab = 'model' | 'data' | 'train' | 'compare';

export interface ViewSlice {
  tab: Tab;
  expanded: ReadonlySet<string>;
  selection: Selection;
  /** Blocks picked with a box or Shift+click, for "freeze/unfreeze selected". */
  picked: ReadonlySet<string>;
  setTab(tab: Tab): void;
  toggleExpanded(path: string): void;
  setExpanded(path: string, open: boolean): void;
  select(selection: Selection): void;
  setPicked(paths: Iterable<string>): void;
}

export const createViewSlice: StateCreator<StudioState, [], [], ViewSlice> = (set, get) => ({
  tab: 'model',
  expanded: new Set<string>(),
  selection: null,
  picked: new Set<string>(),
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
  select(selection) {
    set({ selection });
  },
  setPicked(paths) {
    set({ picked: new Set(paths) });
  },
});
