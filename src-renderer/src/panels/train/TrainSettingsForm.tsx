// The run's settings: strategy, epochs, batch, optimizer, learning rate and schedule, clipping,
// early stopping, batch norm, the device, augmentation and the frozen-prefix cache.
import type { ReactNode } from 'react';
import type { ScheduleName } from '../../../../src-main/api/contract.js';
import { compactCount } from '../../format.js';
import { useStudio } from '../../state/store.js';
import { DeviceField } from './DeviceField.js';
import { STRATEGY_WORDS } from '../strategy-words.js';

function Field({ label, children, hint }: { label: string; children: ReactNode; hint?: string }) {
  return (
    <label className="field" title={hint}>
      <span>{label}</span>
      {children}
    </label>
  );
}

const SCHEDULES: { value: ScheduleName; label: string }[] = [
  { value: 'constant', label: 'Constant' },
  { value: 'step', label: 'Step decay' },
  { value: 'cosine', label: 'Cosine' },
  { value: 'one-cycle', label: 'One-cycle' },
  { value: 'warmup-cosine', label: 'Warm-up + cosine' },
];

/** The strategy buttons are for the next run; say so when an older run is on screen. */
function ShownRunNote() {
  const runs = useStudio((s) => s.runs);
  const activeRun = useStudio((s) => s.activeRun);
  const i = runs.findIndex((r) => r.id === activeRun);
  const run = runs[i];
  if (!run || run.status === 'starting' || run.status === 'running' || run.status === 'paused') return null;
  return (
    <p className="muted shown-run-note" data-testid="shown-run-note">
      Showing run #{i + 1}, which trained with <strong>{run.label}</strong>. The choice below is for the next run.
    </p>
  );
}

export function StrategyPicker() {
  const applyEdit = useStudio((s) => s.applyEdit);
  const surgery = useStudio((s) => s.surgery);
  const scratch = useStudio((s) => s.settings?.scratch ?? false);
  const setSettings = useStudio((s) => s.setSettings);
  const editing = useStudio((s) => s.editing);
  // The preset in force: the last edit, when it was one (any later freezing makes it custom).
  const active = useStudio((s) => {
    const last = s.history[s.history.length - 1]?.edits;
    const e = last?.length === 1 ? last[0] : null;
    return e?.kind === 'freeze-preset' ? (e.preset === 'fine-tune' ? `fine-tune:${e.stages ?? 1}` : e.preset) : null;
  });
  const strategyDefaults = useStudio((s) => s.appInfo?.defaults.strategies);
  // Each strategy starts from its own settings (a larger rate for a new head alone, a smaller
  // one when pretrained weights move); the fields below still change them.
  const preset = (label: string, p: 'feature-extraction' | 'fine-tune' | 'full', stages?: number) => {
    setSettings({ scratch: false, ...strategyDefaults?.[p] });
    void applyEdit(label, [{ kind: 'freeze-preset', preset: p, ...(stages ? { stages } : {}) }]);
  };
  const chosen = scratch ? 'scratch' : active === 'fine-tune:1' ? 'fine-tune' : active === 'feature-extraction' || active === 'full' ? active : null;
  return (
    <fieldset className="strategy">
      <legend>Strategy for the next run</legend>
      <ShownRunNote />
      <div className="row wrap">
        <button type="button" disabled={editing} aria-pressed={!scratch && active === 'feature-extraction'} data-testid="strategy-fe" title={STRATEGY_WORDS['feature-extraction']} onClick={() => preset('Feature extraction (train the head only)', 'feature-extraction')}>
          Feature extraction
        </button>
        <button type="button" disabled={editing} aria-pressed={!scratch && active === 'fine-tune:1'} data-testid="strategy-ft" title={STRATEGY_WORDS['fine-tune']} onClick={() => preset('Fine-tune the last 1 stage + head', 'fine-tune', 1)}>
          Fine-tune last stage
        </button>
        <button type="button" disabled={editing} aria-pressed={!scratch && active === 'full'} data-testid="strategy-full" title={STRATEGY_WORDS.full} onClick={() => preset('Train everything', 'full')}>
          Full
        </button>
        <button
          type="button"
          disabled={editing}
          aria-pressed={scratch}
          data-testid="strategy-scratch"
          title={STRATEGY_WORDS.scratch}
          onClick={() => {
            setSettings({ scratch: true, ...strategyDefaults?.scratch });
            void applyEdit('Train everything', [{ kind: 'freeze-preset', preset: 'full' }]);
          }}
        >
          From scratch
        </button>
      </div>
      <p className="strategy-explain" data-testid="strategy-explain">
        {chosen
          ? STRATEGY_WORDS[chosen]
          : surgery && surgery.frozenBlocks.length === 0
            ? 'Nothing is frozen: every layer trains from the pretrained weights. Pick a strategy above to see what each does (hover for details).'
            : 'Custom freezing, set on the Model tab: frozen blocks keep their pretrained weights, the others train.'}
      </p>
      <p className="muted" data-testid="strategy-summary">
        {scratch ? 'All weights re-initialised and trained: the baseline. ' : ''}
        {surgery ? `${compactCount(surgery.trainableParams)} of ${compactCount(surgery.totalParams)} parameters train; frozen: ${surgery.frozenBlocks.join(', ') || 'nothing'}.` : ''} Fine-grained freezing is on the Model tab.
      </p>
    </fieldset>
  );
}

export function TrainSettingsForm() {
  const s = useStudio((st) => st.settings);
  const set = useStudio((st) => st.setSettings);
  if (!s) return <p className="muted">Connecting to the engine…</p>;
  const num = (v: string, fallback: number) => (v === '' || !Number.isFinite(Number(v)) ? fallback : Number(v));
  return (
    <fieldset className="train-settings">
      <legend>Settings</legend>
      <div className="grid2">
        <Field label="Epochs">
          <input type="number" min={1} value={s.epochs} data-testid="set-epochs" onChange={(e) => set({ epochs: Math.max(1, Math.floor(num(e.target.value, 1))) })} />
        </Field>
        <Field label="Batch size">
          <input type="number" min={1} value={s.batchSize} data-testid="set-batch" onChange={(e) => set({ batchSize: Math.max(1, Math.floor(num(e.target.value, 32))) })} />
        </Field>
        <Field label="Optimizer">
          <select value={s.optimizer} data-testid="set-optimizer" onChange={(e) => set({ optimizer: e.target.value as 'sgd' | 'adamw' })}>
            <option value="sgd">SGD</option>
            <option value="adamw">AdamW</option>
          </select>
        </Field>
        <Field label="Learning rate">
          <input type="number" min={0} step="any" value={s.lr} data-testid="set-lr" onChange={(e) => set({ lr: num(e.target.value, s.lr) })} />
        </Field>
        <Field label="Schedule">
          <select value={s.schedule} data-testid="set-schedule" onChange={(e) => set({ schedule: e.target.value as ScheduleName })}>
            {SCHEDULES.map((o) => (
              <option key={o.value} value={o.value}>
                {o.label}
              </option>
            ))}
          </select>
        </Field>
        <Field label={s.optimizer === 'sgd' ? 'Momentum' : 'Weight decay'}>
          {s.optimizer === 'sgd' ? (
            <input type="number" min={0} max={1} step={0.05} value={s.momentum} data-testid="set-momentum" onChange={(e) => set({ momentum: num(e.target.value, 0.9) })} />
          ) : (
            <input type="number" min={0} step="any" value={s.weightDecay} data-testid="set-weight-decay" onChange={(e) => set({ weightDecay: num(e.target.value, 0) })} />
          )}
        </Field>
        <Field label="Clip gradient norm" hint="Global-norm clipping; empty = off">
          <input type="number" min={0} step="any" placeholder="off" value={s.clipNorm ?? ''} data-testid="set-clip" onChange={(e) => set({ clipNorm: e.target.value === '' ? null : num(e.target.value, 1) })} />
        </Field>
        <Field label="Early stop after" hint="Epochs without a better validation loss; empty = off">
          <input type="number" min={1} placeholder="off" value={s.earlyStopPatience ?? ''} data-testid="set-patience" onChange={(e) => set({ earlyStopPatience: e.target.value === '' ? null : Math.max(1, Math.floor(num(e.target.value, 3))) })} />
        </Field>
        <Field label="Batch norm" hint="Frozen: running statistics (model.eval()). Batch: each batch's own statistics in the trained blocks, running statistics updated and exported (model.train()). Each strategy picks its default (README: Batch norm).">
          <select value={s.batchnorm} data-testid="set-batchnorm" onChange={(e) => set({ batchnorm: e.target.value as 'frozen' | 'batch' })}>
            <option value="frozen">Frozen stats</option>
            <option value="batch">Batch stats</option>
          </select>
        </Field>
        <DeviceField value={s.device} onChange={(device) => set({ device })} />
      </div>
      <label className="check">
        <input type="checkbox" checked={s.augment} onChange={(e) => set({ augment: e.target.checked })} /> Augment (random resized crops, flips)
      </label>
      <label className="check">
        <input type="checkbox" checked={s.cache && !s.augment} disabled={s.augment} onChange={(e) => set({ cache: e.target.checked })} /> Cache frozen features
        {s.augment && <span className="muted"> (off: augmentation changes every epoch)</span>}
      </label>
    </fieldset>
  );
}
