// The studio's tabs in order, with their Alt+digit shortcut: the tab bar and the help sheet's
// shortcut list read the same list, so neither can fall behind when a tab is added.
import type { Tab } from './state/store.js';

export const TABS: { id: Tab; label: string; key: string }[] = [
  { id: 'model', label: 'Model', key: '1' },
  { id: 'data', label: 'Data', key: '2' },
  { id: 'train', label: 'Train', key: '3' },
  { id: 'try', label: 'Try', key: '4' },
  { id: 'compare', label: 'Compare', key: '5' },
];
