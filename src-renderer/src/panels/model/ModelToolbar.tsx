// The edits one click away: freezing presets, head and cell swaps, freezing what is picked,
// undo and redo; and the trainable share the edits leave.
import { useState } from 'react';
import { compactCount, exactCount } from '../../format.js';
import { useStudio } from '../../state/store.js';
import { STRATEGY_WORDS } from '../strategy-words.js';
import { BlockSearch } from './BlockSearch.js';
import { CellSwapDialog, HeadSwapDialog } from './SwapDialogs.js';

export function ModelToolbar() {
  const model = useStudio((s) => s.model);
  const surgery = useStudio((s) => s.surgery);
  const history = useStudio((s) => s.history);
  const future = useStudio((s) => s.future);
  const picked = useStudio((s) => s.picked);
  const editing = useStudio((s) => s.editing);
  const applyEdit = useStudio((s) => s.applyEdit);
  const undo = useStudio((s) => s.undo);
  const redo = useStudio((s) => s.redo);
  const [stages, setStages] = useState(1);
  const [chosen, setDialog] = useState<'head' | 'cell' | null>(null);
  // Another tab's "Swap the head" opens the dialog here too, until it closes.
  const dialogRequest = useStudio((s) => s.dialogRequest);
  const requestDialog = useStudio((s) => s.requestDialog);
  const dialog = chosen ?? (dialogRequest === 'head' && model?.summary.head ? 'head' : null);
  const close = () => {
    setDialog(null);
    requestDialog(null);
  };
  if (!model) return null;
  const pickedList = [...picked];
  const share = surgery && surgery.totalParams > 0 ? surgery.trainableParams / surgery.totalParams : 1;
  return (
    <div className="toolbar" role="toolbar" aria-label="Model edits">
      <div className="tool-group" aria-label="Freezing presets">
        <button type="button" data-testid="preset-fe" title={STRATEGY_WORDS['feature-extraction']} disabled={editing} onClick={() => void applyEdit('Feature extraction (train the head only)', [{ kind: 'freeze-preset', preset: 'feature-extraction' }])}>
          Feature extraction
        </button>
        <span className="split-button">
          <button
            type="button"
            data-testid="preset-ft"
            title={STRATEGY_WORDS['fine-tune']}
            disabled={editing}
            onClick={() => void applyEdit(`Fine-tune the last ${stages} stage${stages === 1 ? '' : 's'} + head`, [{ kind: 'freeze-preset', preset: 'fine-tune', stages }])}
          >
            Fine-tune last
          </button>
          <input type="number" min={1} max={20} value={stages} aria-label="Stages to fine-tune" data-testid="preset-ft-stages" onChange={(e) => setStages(Math.max(1, Number(e.target.value) || 1))} />
        </span>
        <button type="button" data-testid="preset-full" title={STRATEGY_WORDS.full} disabled={editing} onClick={() => void applyEdit('Train everything', [{ kind: 'freeze-preset', preset: 'full' }])}>
          Train all
        </button>
      </div>
      <div className="tool-group" aria-label="Picked blocks">
        <button type="button" disabled={editing || pickedList.length === 0} title="Shift+drag on the graph to pick blocks" onClick={() => void applyEdit(`Freeze ${pickedList.length} picked blocks`, [{ kind: 'freeze', blocks: pickedList }])}>
          Freeze picked{pickedList.length ? ` (${pickedList.length})` : ''}
        </button>
        <button type="button" disabled={editing || pickedList.length === 0} onClick={() => void applyEdit(`Unfreeze ${pickedList.length} picked blocks`, [{ kind: 'unfreeze', blocks: pickedList }])}>
          Unfreeze picked
        </button>
      </div>
      <div className="tool-group" aria-label="Swaps">
        <button type="button" data-testid="swap-head" disabled={editing || !model.summary.head} title={model.summary.head ? undefined : 'No classification head found'} onClick={() => setDialog('head')}>
          Swap head…
        </button>
        {model.summary.recurrent.length > 0 && (
          <button type="button" data-testid="swap-cell" disabled={editing} onClick={() => setDialog('cell')}>
            Swap cell…
          </button>
        )}
      </div>
      <div className="tool-group" aria-label="History">
        <button type="button" data-testid="undo" disabled={editing || history.length === 0} title={history.length ? `Undo "${history[history.length - 1].label}" (Ctrl+Z)` : 'Nothing to undo'} onClick={() => void undo()}>
          Undo
        </button>
        <button type="button" data-testid="redo" disabled={editing || future.length === 0} title={future.length ? `Redo "${future[0].label}" (Ctrl+Shift+Z)` : 'Nothing to redo'} onClick={() => void redo()}>
          Redo
        </button>
      </div>
      <BlockSearch />
      <div className="trainable" data-testid="trainable-summary" aria-live="polite" title={surgery ? `${exactCount(surgery.trainableParams)} of ${exactCount(surgery.totalParams)} parameters train` : ''}>
        <span className="meter" aria-hidden="true">
          <span style={{ width: `${(share * 100).toFixed(1)}%` }} />
        </span>
        Trainable <strong>{compactCount(surgery?.trainableParams ?? 0)}</strong> / {compactCount(surgery?.totalParams ?? 0)} ({(share * 100).toFixed(share < 0.1 ? 1 : 0)}%)
      </div>
      <HeadSwapDialog open={dialog === 'head'} onClose={close} />
      <CellSwapDialog open={dialog === 'cell'} onClose={close} />
    </div>
  );
}
