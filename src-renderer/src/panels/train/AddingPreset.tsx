// The adding problem's settings, the same as `graft train --task adding` (AppInfo.defaults.adding,
// from src-main/api/adding-task.ts): with them an LSTM or a GRU learns the task and a vanilla
// RNN does not, which is the lesson the gradient-through-time chart explains.
import type { AddingTrainSettings } from '../../../../src-main/api/adding-task.js';
import { useStudio } from '../../state/store.js';

/** "AdamW at 0.01, cosine, clip 1, 4 epochs of batch 64". */
export function addingSettingsWords(t: AddingTrainSettings): string {
  const opt = t.optimizer === 'adamw' ? 'AdamW' : 'SGD';
  const clip = t.clipNorm === null ? 'no clipping' : `clip ${t.clipNorm}`;
  return `${opt} at ${t.lr}, ${t.schedule}, ${clip}, ${t.epochs} epochs of batch ${t.batchSize}`;
}

/** Applies the adding problem's settings, with every weight training (the recurrent ones above all). */
export function useAddingDefaults(): (() => void) | null {
  const defaults = useStudio((s) => s.appInfo?.defaults.adding);
  const setSettings = useStudio((s) => s.setSettings);
  const applyEdit = useStudio((s) => s.applyEdit);
  const frozen = useStudio((s) => (s.surgery?.frozenBlocks.length ?? 0) > 0);
  if (!defaults) return null;
  return () => {
    setSettings({ ...defaults.train, scratch: false });
    if (frozen) void applyEdit('Train everything', [{ kind: 'freeze-preset', preset: 'full' }]);
  };
}

export function AddingPreset() {
  const adding = useStudio((s) => s.data?.path.startsWith('task:adding') ?? false);
  const defaults = useStudio((s) => s.appInfo?.defaults.adding);
  const editing = useStudio((s) => s.editing);
  const apply = useAddingDefaults();
  if (!adding || !defaults || !apply) return null;
  return (
    <fieldset className="adding-preset">
      <legend>Adding problem</legend>
      <div className="row wrap">
        <button type="button" disabled={editing} data-testid="preset-adding" onClick={apply}>
          Settings that learn it
        </button>
      </div>
      <p className="muted" data-testid="preset-adding-words">
        {addingSettingsWords(defaults.train)}, every weight training: the settings of <code>graft train --task adding</code>. Predicting the mean scores 1/6 ≈ 0.167;
        a model that remembers the two marked numbers goes far below it.
      </p>
    </fieldset>
  );
}
