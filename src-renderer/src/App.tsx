import { useEffect } from 'react';
import { CompareTab } from './panels/compare/CompareTab.js';
import { DataTab } from './panels/data/DatasetDetails.js';
import { ErrorBanner } from './panels/ErrorBanner.js';
import { HelpSheet } from './panels/HelpSheet.js';
import { ModelTab } from './panels/model/ModelTab.js';
import { TopBar } from './panels/TopBar.js';
import { TrainTab } from './panels/train/TrainTab.js';
import { TryTab } from './panels/try/TryTab.js';
import { useStudio } from './state/store.js';
import { TABS } from './tabs.js';


function isTextField(t: EventTarget | null): boolean {
  const el = t as HTMLElement | null;
  return !!el && (el.tagName === 'INPUT' || el.tagName === 'TEXTAREA' || el.tagName === 'SELECT' || el.isContentEditable);
}

/** Ctrl+Z / Ctrl+Shift+Z (or Ctrl+Y) undo and redo edits; Alt+1..5 switch tabs. */
function useShortcuts() {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const s = useStudio.getState();
      const mod = e.ctrlKey || e.metaKey;
      if (mod && !isTextField(e.target) && (e.key === 'z' || e.key === 'Z' || e.key === 'y')) {
        e.preventDefault();
        if (e.key === 'y' || e.shiftKey) void s.redo();
        else void s.undo();
      } else if (e.altKey && !mod) {
        const tab = TABS.find((t) => t.key === e.key);
        if (tab) {
          e.preventDefault();
          s.setTab(tab.id);
        }
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
}

export function App() {
  const start = useStudio((s) => s.start);
  const started = useStudio((s) => s.started);
  const tab = useStudio((s) => s.tab);
  const setTab = useStudio((s) => s.setTab);
  const running = useStudio((s) => s.runs.some((r) => r.status === 'running' || r.status === 'starting'));
  useEffect(() => {
    void start();
  }, [start]);
  useShortcuts();
  return (
    <div className="app" data-started={started}>
      <TopBar />
      <nav
        className="tabs"
        role="tablist"
        aria-label="Studio"
        onKeyDown={(e) => {
          // Arrow keys move between tabs, as in any tab list.
          const step = e.key === 'ArrowRight' ? 1 : e.key === 'ArrowLeft' ? -1 : 0;
          if (!step) return;
          const next = TABS[(TABS.findIndex((t) => t.id === tab) + step + TABS.length) % TABS.length];
          setTab(next.id);
          document.getElementById(`tab-${next.id}`)?.focus();
        }}
      >
        {TABS.map((t) => (
          <button
            key={t.id}
            type="button"
            role="tab"
            id={`tab-${t.id}`}
            aria-selected={tab === t.id}
            tabIndex={tab === t.id ? 0 : -1}
            aria-controls={`panel-${t.id}`}
            data-testid={`tab-${t.id}`}
            title={`Alt+${t.key}`}
            onClick={() => setTab(t.id)}
          >
            {t.label}
            {t.id === 'train' && running && <span className="pulse" aria-label="(training)" />}
          </button>
        ))}
        <span className="tabs-spacer" />
        <HelpSheet />
      </nav>
      <ErrorBanner />
      <main className="tab-panel" role="tabpanel" id={`panel-${tab}`} aria-labelledby={`tab-${tab}`}>
        {tab === 'model' && <ModelTab />}
        {tab === 'data' && <DataTab />}
        {tab === 'train' && <TrainTab />}
        {tab === 'try' && <TryTab />}
        {tab === 'compare' && <CompareTab />}
      </main>
    </div>
  );
}
