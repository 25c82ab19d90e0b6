// Training: strategy and settings on the left with start, pause, resume and stop; the run being
// shown (live or past) on the right.
import { useStudio } from '../../state/store.js';
import { FIX_VALIDATION_SHARE, NO_VALIDATION_BLOCKER } from '../../state/train-guards.js';
import { AddingPreset } from './AddingPreset.js';
import { ExplodingPreset } from './ExplodingPreset.js';
import { LrMultipliers } from './LrMultipliers.js';
import { RunView } from './RunView.js';
import { StrategyPicker, TrainSettingsForm } from './TrainSettingsForm.js';

function Controls() {
  const runs = useStudio((s) => s.runs);
  const activeRun = useStudio((s) => s.activeRun);
  const starting = useStudio((s) => s.starting);
  const startRun = useStudio((s) => s.startRun);
  const controlRun = useStudio((s) => s.controlRun);
  const blocker = useStudio((s) => s.trainBlocker());
  const setTab = useStudio((s) => s.setTab);
  const data = useStudio((s) => s.data);
  const setDataOptions = useStudio((s) => s.setDataOptions);
  const run = runs.find((r) => r.id === activeRun);
  const live = run && (run.status === 'starting' || run.status === 'running' || run.status === 'paused');
  return (
    <div className="train-controls">
      {blocker && (
        <p className="warning" data-testid="train-blocker">
          {blocker}{' '}
          {blocker.includes('swap the head') && (
            <button type="button" onClick={() => setTab('model')}>
              Go to the model
            </button>
          )}
          {blocker === NO_VALIDATION_BLOCKER && data && data.options.valFraction < FIX_VALIDATION_SHARE && (
            <button type="button" data-testid="fix-validation" onClick={() => void setDataOptions({ ...data.options, valFraction: FIX_VALIDATION_SHARE })}>
              Hold out {FIX_VALIDATION_SHARE * 100}% for validation
            </button>
          )}
        </p>
      )}
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
        )}
      </div>
      <div className="train-main scroll-pane">{run ? <RunView key={run.id} run={run} runs={runs} /> : <p className="muted empty-note">No runs yet. Choose a strategy and press Train.</p>}</div>
    </div>
  );
}
