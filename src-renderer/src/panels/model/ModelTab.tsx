// The model: edits toolbar, freeze boundary, the block graph, and beside it the inspector and
// the edit history.
import { GraphView } from '../../graph/GraphView.js';
import { useStudio } from '../../state/store.js';
import { Inspector } from '../Inspector.js';
import { ModelList } from '../ModelList.js';
import { FreezeBoundary } from './FreezeBoundary.js';
import { HistoryPanel } from './HistoryPanel.js';
import { ModelToolbar } from './ModelToolbar.js';

export function ModelTab() {
  const hasModel = useStudio((s) => s.model !== null);
  if (!hasModel) {
    return (
      <div className="canvas-pane">
        <ModelList />
      </div>
    );
  }
  return (
    <div className="model-tab">
      <ModelToolbar />
      <FreezeBoundary />
      <div className="workspace">
        <div className="canvas-pane">
          <GraphView />
        </div>
        <div className="side">
          <Inspector />
          <HistoryPanel />
        </div>
      </div>
    </div>
  );
}
