// Replacing the classification head (for the dataset's classes) and the recurrent cell.
import { useState } from 'react';
import type { Edit } from '../../../../src-main/api/contract.js';
import { useStudio } from '../../state/store.js';
import { Dialog } from '../Dialog.js';

export function HeadSwapDialog({ open, onClose }: { open: boolean; onClose(): void }) {
  const model = useStudio((s) => s.model);
  const dataset = useStudio((s) => s.dataset);
  const applyEdit = useStudio((s) => s.applyEdit);
  // New weights come from the project's seed: the same edits give the same model.
  const seed = useStudio((s) => s.data?.options.seed ?? 0);
  const names = dataset?.task === 'classification' ? dataset.classes : null;
  const head = model?.summary.head ?? null;
  const [classes, setClasses] = useState<number | null>(null);
  const [kind, setKind] = useState<'linear' | 'mlp'>('linear');
  const [hidden, setHidden] = useState(256);
  const [dropout, setDropout] = useState(0.2);
  const k = classes ?? names?.length ?? head?.outFeatures ?? 2;
  const submit = () => {
    const edit: Edit = {
      kind: 'swap-head',
      classes: k,
      seed,
      ...(kind === 'mlp' ? { hidden, dropout } : {}),
      ...(names && names.length === k ? { classNames: names } : {}),
    };
    onClose();
    void applyEdit(`New head: ${kind === 'mlp' ? `MLP (${hidden} hidden)` : 'Linear'} → ${k} classes`, [edit]);
  };
  return (
    <Dialog title="Swap the classification head" open={open} onClose={onClose} onSubmit={submit} submitLabel="Swap head" testId="head-dialog">
      {head ? (
        <p className="muted">
          The current head <code>{head.block}</code> maps {head.inFeatures} features to {head.outFeatures} classes. The new one starts from
          fresh weights (PyTorch&apos;s initialisation) and is trainable.
        </p>
      ) : (
        <p className="warning">No classification head was found in this model.</p>
      )}
      <label className="field">
        <span>Classes</span>
        <input type="number" min={2} max={100000} value={k} data-testid="head-classes" onChange={(e) => setClasses(Number(e.target.value))} />
      </label>
      {names && <p className="muted">From the dataset: {names.length} classes ({names.slice(0, 6).join(', ')}{names.length > 6 ? ', …' : ''}). Their names go into the exported model.</p>}
      <fieldset className="field">
        <legend>Head</legend>
        <label>
          <input type="radio" name="head-kind" checked={kind === 'linear'} onChange={() => setKind('linear')} /> Linear
        </label>
        <label>
          <input type="radio" name="head-kind" checked={kind === 'mlp'} onChange={() => setKind('mlp')} data-testid="head-mlp" /> Small MLP (Linear → ReLU → Dropout →
          Linear)
        </label>
      </fieldset>
      {kind === 'mlp' && (
        <div className="row">
          <label className="field">
            <span>Hidden units</span>
            <input type="number" min={1} value={hidden} onChange={(e) => setHidden(Number(e.target.value))} />
          </label>
          <label className="field">
            <span>Dropout</span>
            <input type="number" min={0} max={0.95} step={0.05} value={dropout} onChange={(e) => setDropout(Number(e.target.value))} />
          </label>
        </div>
      )}
    </Dialog>
  );
}

export function CellSwapDialog({ open, onClose }: { open: boolean; onClose(): void }) {
  const model = useStudio((s) => s.model);
  const applyEdit = useStudio((s) => s.applyEdit);
  const seed = useStudio((s) => s.data?.options.seed ?? 0);
  const layers = model?.summary.recurrent ?? [];
  const [node, setNode] = useState<string | null>(null);
  const [cell, setCell] = useState<'LSTM' | 'GRU' | 'RNN'>('GRU');
  const [hidden, setHidden] = useState<number | null>(null);
  const target = layers.find((l) => l.nodeId === node) ?? layers[0];
  const submit = () => {
    if (!target) return;
    onClose();
    const size = hidden ?? target.hiddenSize;
    void applyEdit(`Recurrent cell ${target.cell} → ${cell}`, [
      { kind: 'swap-cell', node: target.nodeId, cell, seed, ...(size !== target.hiddenSize ? { hiddenSize: size } : {}) },
    ]);
  };
  return (
    <Dialog title="Swap the recurrent cell" open={open} onClose={onClose} onSubmit={submit} submitLabel="Swap cell" testId="cell-dialog">
      {layers.length > 1 && (
        <label className="field">
          <span>Layer</span>
          <select value={target?.nodeId} onChange={(e) => setNode(e.target.value)}>
            {layers.map((l) => (
              <option key={l.nodeId} value={l.nodeId}>
                {l.block || l.nodeId} ({l.cell}, {l.hiddenSize} hidden)
              </option>
            ))}
          </select>
        </label>
      )}
      {target && (
        <p className="muted">
          {target.block || target.nodeId}: {target.cell}, {target.hiddenSize} hidden units, {target.direction}. The new cell starts from fresh weights;
          the layers after it must accept its output size.
        </p>
      )}
      <fieldset className="field">
        <legend>Cell</legend>
        {(['RNN', 'LSTM', 'GRU'] as const).map((c) => (
          <label key={c}>
            <input type="radio" name="cell" checked={cell === c} onChange={() => setCell(c)} data-testid={`cell-${c}`} /> {c}
          </label>
        ))}
      </fieldset>
      <label className="field">
        <span>Hidden units</span>
        <input type="number" min={1} value={hidden ?? target?.hiddenSize ?? 64} onChange={(e) => setHidden(Number(e.target.value))} />
      </label>
    </Dialog>
  );
}
