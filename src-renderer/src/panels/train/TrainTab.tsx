// Training: strategy and settings on the left with start, pause, resume and stop; the run being
// shown (live or past) on the right.
import { useState } from 'react';
import type { RunRecord } from '../../../../src-main/api/contract.js';
import { useStudio } from '../../state/store.js';
import { Dialog } from '../Dialog.js';
import { FIX_VALIDATION_SHARE } from '../../state/train-guards.js';
import { AddingPreset } from './AddingPreset.js';
import { ExplodingPreset } from './ExplodingPreset.js';
import { LrMultipliers } from './LrMultipliers.js';
import { RunView } from './RunView.js';
import { StrategyPicker, TrainSettingsForm } from './TrainSettingsForm.js';

/** Why Train is disabled, with the one click that fixes it. */
function BlockerNote({ message }: { message: string }) {
  const setTab = useStudio((s) => s.setTab);
  const data = useStudio((s) => s.data);
  const setData = useStudio((s) => s.setData);
  const setDataOptions = useStudio((s) => s.setDataOptions);
  const requestDialog = useStudio((s) => s.requestDialog);
  // The message (a string) drives re-rendering; the fix is read with it.
  const fix = useStudio.getState().trainGuard()?.fix ?? null;
  const onFix = () => {
    if (!fix) return;
    if (fix.kind === 'load-adding') void setData(fix.spec);
    else if (fix.kind === 'data-tab') setTab('data');
    else if (fix.kind === 'swap-head') {
      setTab('model');
      requestDialog('head');
    } else if (data) void setDataOptions({ ...data.options, valFraction: FIX_VALIDATION_SHARE });
  };
  const offered = fix && !(fix.kind === 'validation' && (!data || data.options.valFraction >= FIX_VALIDATION_SHARE));
  return (
    <p className="warning" data-testid="train-blocker">
      {message}{' '}
      {offered && (
        <button type="button" data-testid={fix.kind === 'validation' ? 'fix-validation' : 'blocker-fix'} onClick={onFix}>
          {fix.label}
        </button>
      )}
    </p>
  );
}

function Controls() {
  const runs = useStudio((s) => s.runs);
  const activeRun = useStudio((s) => s.activeRun);
  const starting = useStudio((s) => s.starting);
  const startRun = useStudio((s) => s.startRun);
  const controlRun = useStudio((s) => s.controlRun);
  const blocker = useStudio((s) => s.trainBlocker());
  const run = runs.find((r) => r.id === activeRun);
  const live = run && (run.status === 'starting' || run.status === 'running' || run.status === 'paused');
  return (
    <div className="train-controls">
      {blocker && <BlockerNote message={blocker} />}
      <div className="row">
        <button type="button" className="primary" data-testid="train-start" disabled={!!blocker || starting || !!live} onClick={() => void startRun()}>
          {starting ? 'Starting…' : 'Train'}
        </button>
        {run?.status === 'paused' ? (
          <button type="button" data-testid="train-resume" onClick={() => void controlRun('resume')}>
            Resume
          </button>
        ) : (
          <button type="button" data-testid="train-pause" disabled={run?.status !== 'running'} onClick={() => void controlRun('pause')}>
            Pause
          </button>
        )}
        <button type="button" data-testid="train-stop" disabled={!live} onClick={() => void controlRun('stop')}>
          Stop
        </button>
      </div>
    </div>
  );
}

/** Rename or delete the shown run; both are stored in the project. */
function RunActions({ run }: { run: RunRecord }) {
  const renameRun = useStudio((s) => s.renameRun);
  const deleteRun = useStudio((s) => s.deleteRun);
  const [dialog, setDialog] = useState<'rename' | 'delete' | null>(null);
  const [label, setLabel] = useState(run.label);
  const live = run.status === 'starting' || run.status === 'running' || run.status === 'paused';
  return (
    <div className="row run-actions">
      <button type="button" data-testid="run-rename" onClick={() => setDialog('rename')}>
        Rename…
      </button>
      <button type="button" data-testid="run-delete" disabled={live} title={live ? 'Stop the run before deleting it' : 'Delete this run and its files'} onClick={() => setDialog('delete')}>
        Delete…
      </button>
      <Dialog title="Rename the run" open={dialog === 'rename'} onClose={() => setDialog(null)} onSubmit={() => void renameRun(run.id, label).then(() => setDialog(null))} submitLabel="Rename" testId="rename-run-dialog">
        <label className="field">
          <span>Name</span>
          <input value={label} maxLength={80} autoFocus data-testid="run-label-input" onChange={(e) => setLabel(e.target.value)} />
        </label>
      </Dialog>
      <Dialog title="Delete the run?" open={dialog === 'delete'} onClose={() => setDialog(null)} onSubmit={() => void deleteRun(run.id).then(() => setDialog(null))} submitLabel="Delete" testId="delete-run-dialog">
        <p>
          “{run.label}” and its files (curves, checkpoints, exported model) are deleted from this project. This cannot be undone.
        </p>
      </Dialog>
    </div>
  );
}

export function TrainTab() {
  const runs = useStudio((s) => s.runs);
  const activeRun = useStudio((s) => s.activeRun);
  const showRun = useStudio((s) => s.showRun);
  const run = runs.find((r) => r.id === activeRun);
  return (
    <div className="train-tab">
      <div className="train-side scroll-pane">
        <StrategyPicker />
        <TrainSettingsForm />
        <LrMultipliers />
        <AddingPreset />
        <ExplodingPreset />
        <Controls />
        {runs.length > 0 && (
          <>
            <label className="field">
              <span>Show run</span>
              <select value={activeRun ?? ''} onChange={(e) => showRun(e.target.value)} data-testid="run-select">
                {runs.map((r, i) => (
                  <option key={r.id} value={r.id}>
                    #{i + 1} {r.label} ({r.status})
                  </option>
                ))}
              </select>
            </label>
            {run && <RunActions key={run.id} run={run} />}
          </>
        )}
      </div>
      <div className="train-main scroll-pane">{run ? <RunView key={run.id} run={run} runs={runs} /> : <p className="muted empty-note">No runs yet. Choose a strategy and press Train.</p>}</div>
    </div>
  );
}
