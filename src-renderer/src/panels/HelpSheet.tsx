// Help on `?`: a step-per-tab tour of the studio (each step one click from its tab), what the
// training charts show, and the keyboard shortcuts. The tab bar offers it to a first-time user.
import { useEffect, useState } from 'react';
import { type Tab, useStudio } from '../state/store.js';
import { TABS } from '../tabs.js';

export const SHORTCUTS: { keys: string; does: string }[] = [
  { keys: '?', does: 'Open or close this help' },
  { keys: `Alt+1 … Alt+${TABS.length}`, does: `${TABS.map((t) => t.label).join(', ')} tabs` },
  { keys: '← →', does: 'Next tab (in the tab bar); move the freeze boundary (on its handle)' },
  { keys: 'Ctrl+Z', does: 'Undo the last model edit' },
  { keys: 'Ctrl+Shift+Z, Ctrl+Y', does: 'Redo' },
  { keys: 'Enter (in Find)', does: 'Next block matching the search' },
  { keys: 'Shift+drag', does: 'Pick several blocks on the graph, to freeze or unfreeze them' },
  { keys: 'Double-click a block', does: 'Open or close it' },
  { keys: 'Escape', does: 'Close a dialog' },
];

const TOUR: { tab: Tab; title: string; text: string }[] = [
  { tab: 'model', title: '1. The model', text: 'The network as blocks. Drag the handle on the freeze strip (or click a lock) to choose which layers keep their pretrained weights; open a block to see inside it.' },
  { tab: 'data', title: '2. The data', text: 'Sample data is loaded at the start. Drop a folder with one subfolder per class (or a CSV or IDX files) to use your own; the sample grid shows exactly what the network receives.' },
  { tab: 'train', title: '3. Train', text: 'Pick a strategy (feature extraction, fine-tuning, full, from scratch: each is explained there) and press Train. Curves stream in; the evaluation and a verified ONNX export follow.' },
  { tab: 'try', title: '4. Try', text: 'Drop your own images on a trained run (or try test samples it never saw) and see its classes with their probabilities.' },
  { tab: 'compare', title: '5. Compare', text: 'Put runs side by side to see which strategy generalised best.' },
];

export const CHARTS: { name: string; shows: string }[] = [
  { name: 'Loss', shows: 'How wrong the model is, per step and per epoch. Training loss should fall; validation loss rising while training loss falls means overfitting.' },
  { name: 'Accuracy', shows: 'Share of samples classified correctly, on the training and the validation split, per epoch.' },
  { name: 'Learning rate', shows: 'The step size the schedule sets at each step.' },
  { name: 'Global gradient norm', shows: 'How large each update is. Spikes mean unstable training; clipping caps them.' },
  { name: 'Gradient norm per block', shows: 'Which blocks learn: a row per block, a column per step, brighter is larger. Frozen blocks stay dark.' },
  { name: 'Gradient through time', shows: 'For recurrent layers: how much each time step contributes. A curve dying to the left is the vanishing gradient.' },
];

const SEEN_KEY = 'graft.help-seen';
const COUNT_WORDS = ['no', 'one', 'two', 'three', 'four', 'five', 'six', 'seven'];

/** What each chart shows, as a definition list (the help sheet, and above a run's charts). */
export function ChartList() {
  return (
    <dl>
      {CHARTS.map((c) => (
        <div key={c.name}>
          <dt>{c.name}</dt>
          <dd>{c.shows}</dd>
        </div>
      ))}
    </dl>
  );
}

export function HelpSheet() {
  const [open, setOpen] = useState(false);
  const [seen, setSeen] = useState(() => localStorage.getItem(SEEN_KEY) === '1');
  const setTab = useStudio((s) => s.setTab);
  const show = (v: boolean) => {
    setOpen(v);
    if (v && !seen) {
      localStorage.setItem(SEEN_KEY, '1');
      setSeen(true);
    }
  };
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const el = e.target as HTMLElement | null;
      const typing = !!el && (el.tagName === 'INPUT' || el.tagName === 'TEXTAREA' || el.tagName === 'SELECT' || el.isContentEditable);
      if (e.key === '?' && !typing && !e.ctrlKey && !e.metaKey && !e.altKey) {
        e.preventDefault();
        setOpen((o) => !o);
        localStorage.setItem(SEEN_KEY, '1');
        setSeen(true);
      } else if (e.key === 'Escape') setOpen(false);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
  return (
    <>
      <button type="button" className={`help-button${seen ? '' : ' first-run'}`} data-testid="help-open" title="Help and keyboard shortcuts (?)" onClick={() => show(true)}>
        {seen ? '?' : 'New here? Take the tour ?'}
      </button>
      {open && (
        <div className="help-backdrop" onClick={() => setOpen(false)}>
          <div className="help-sheet" role="dialog" aria-modal="true" aria-label="Help" data-testid="help-sheet" onClick={(e) => e.stopPropagation()}>
            <div className="help-head">
              <h2>Graft in {COUNT_WORDS[TOUR.length] ?? TOUR.length} steps</h2>
              <button type="button" onClick={() => setOpen(false)} aria-label="Close help">
                ×
              </button>
            </div>
            <ol className="help-tour">
              {TOUR.map((t) => (
                <li key={t.tab}>
                  <strong>{t.title}</strong> {t.text}{' '}
                  <button
                    type="button"
                    className="link"
                    data-testid={`tour-${t.tab}`}
                    onClick={() => {
                      setTab(t.tab);
                      setOpen(false);
                    }}
                  >
                    Show me
                  </button>
                </li>
              ))}
            </ol>
            <div className="help-columns">
              <section>
                <h3>What the training charts show</h3>
                <ChartList />
              </section>
              <section>
                <h3>Keyboard shortcuts</h3>
                <table className="shortcuts" data-testid="shortcut-sheet">
                  <tbody>
                    {SHORTCUTS.map((s) => (
                      <tr key={s.keys}>
                        <td>
                          <kbd>{s.keys}</kbd>
                        </td>
                        <td>{s.does}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </section>
            </div>
          </div>
        </div>
      )}
    </>
  );
}
