import { useEffect } from 'react';
import { GraphView } from './graph/GraphView.js';
import { ErrorBanner } from './panels/ErrorBanner.js';
import { Inspector } from './panels/Inspector.js';
import { ModelList } from './panels/ModelList.js';
import { TopBar } from './panels/TopBar.js';
import { useStudio } from './state/store.js';

export function App() {
  const start = useStudio((s) => s.start);
  const hasModel = useStudio((s) => s.model !== null);
  const started = useStudio((s) => s.started);
  useEffect(() => {
    void start();
  }, [start]);
  return (
    <div className="app" data-started={started}>
      <TopBar />
      <ErrorBanner />
      <main className="workspace">
        <div className="canvas-pane">{hasModel ? <GraphView /> : <ModelList />}</div>
        <Inspector />
      </main>
    </div>
  );
}
