// The exploding-gradient lesson for a recurrent model on the adding problem: plain SGD at a
// learning rate large enough that the RNN's recurrent weights grow past the point where its
// gradient explodes, first without clipping (the norm and the loss climb until the loss
// overflows), then the same run with clip_grad_norm_-style global clipping at 1 (it trains).
import { useStudio } from '../../state/store.js';
import type { TrainSettings } from '../../state/train-slice.js';

/**
 * Measured on the bundled adding-rnn (T = 50, 64 hidden) with the adding problem's 20k samples in
 * batches of 64: unclipped, the loss overflows at step 23 (the norm reached 10^19); clipped at 1
 * it trains both epochs (626 steps, ~35 s on two cores).
 */
export const EXPLODING_SETTINGS: Partial<TrainSettings> = { optimizer: 'sgd', lr: 0.2, momentum: 0.9, schedule: 'constant', epochs: 2, batchSize: 64, scratch: false };

export function ExplodingPreset() {
  const adding = useStudio((s) => s.data?.path.startsWith('task:adding') ?? false);
  const setSettings = useStudio((s) => s.setSettings);
  const applyEdit = useStudio((s) => s.applyEdit);
  const frozen = useStudio((s) => (s.surgery?.frozenBlocks.length ?? 0) > 0);
  const editing = useStudio((s) => s.editing);
  if (!adding) return null;
  const pick = (clipNorm: number | null) => {
    setSettings({ ...EXPLODING_SETTINGS, clipNorm });
    // The lesson needs every weight training, the recurrent ones above all.
    if (frozen) void applyEdit('Train everything', [{ kind: 'freeze-preset', preset: 'full' }]);
  };
  return (
    <fieldset className="exploding-preset">
      <legend>Exploding gradients</legend>
      <div className="row wrap">
        <button type="button" disabled={editing} data-testid="preset-exploding" onClick={() => pick(null)}>
          Exploding gradients
        </button>
        <button type="button" disabled={editing} data-testid="preset-exploding-clipped" onClick={() => pick(1)}>
          …with clipping
        </button>
      </div>
      <p className="muted">
        SGD at learning rate {EXPLODING_SETTINGS.lr} with momentum, no clipping: within a few dozen steps the RNN&apos;s gradient norm grows past 10¹⁷ and its loss
        overflows (the run stops). Then the same run clipping the global norm to 1: it trains to the end.
      </p>
    </fieldset>
  );
}
