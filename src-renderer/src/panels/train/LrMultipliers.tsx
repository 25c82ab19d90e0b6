// Discriminative learning rates in the Train tab: a toggle sets a geometric decay per top-level
// block from the head back (the factor shown and editable), and each block's multiplier can be
// typed; a value the engine would refuse is said and not applied. RunLrMultipliers shows a
// run's multipliers in its summary.
import { useEffect, useMemo, useState } from 'react';
import type { RunRecord } from '../../../../src-main/api/contract.js';
import { useStudio } from '../../state/store.js';
import { DEFAULT_DECAY, geometricMultipliers, multipliersWords, parseDecay, parseMultiplier, trainingBlocks } from './lr-multipliers.js';

export function LrMultipliers() {
  const root = useStudio((s) => s.model?.root ?? null);
  const trainable = useStudio((s) => s.surgery?.trainableByBlock ?? null);
  // Selectors return the store's own objects (a fresh {} per call would re-render forever).
  const stored = useStudio((s) => s.settings?.lrMultipliers);
  const mults = useMemo(() => stored ?? {}, [stored]);
  const lr = useStudio((s) => s.settings?.lr ?? 0);
  const setSettings = useStudio((s) => s.setSettings);
  const [decayText, setDecayText] = useState(String(DEFAULT_DECAY));
  const blocks = root && trainable ? trainingBlocks(root, trainable) : [];
  const key = blocks.map((b) => b.path).join('|');
  // What is typed in each block's field (kept while it is not a valid value), for these blocks.
  const [typed, setTyped] = useState<{ key: string; drafts: Record<string, string> }>({ key, drafts: {} });
  const drafts = typed.key === key ? typed.drafts : {};
  const setDrafts = (d: Record<string, string>) => setTyped({ key, drafts: d });
  const on = Object.keys(mults).length > 0;
  const decay = parseDecay(decayText);

  // When other blocks start or stop training, the decay is laid out again over the new ones.
  useEffect(() => {
    if (!on || decay.value === null) return;
    const paths = key ? key.split('|') : [];
    const same = paths.length === Object.keys(mults).length && paths.every((p) => p in mults);
    if (!same) {
      setSettings({ lrMultipliers: paths.length > 1 ? geometricMultipliers(paths.map((path) => ({ path })), decay.value) : {} });
    }
  }, [key, on, decay.value, mults, setSettings]);

  // One block training: a multiplier would only rescale the learning rate.
  if (blocks.length < 2) return null;
  const toggle = (checked: boolean) => {
    setDrafts({});
    setSettings({ lrMultipliers: checked && decay.value !== null ? geometricMultipliers(blocks, decay.value) : {} });
  };
  const onDecay = (text: string) => {
    setDecayText(text);
    const d = parseDecay(text);
    if (on && d.value !== null) {
      setDrafts({});
      setSettings({ lrMultipliers: geometricMultipliers(blocks, d.value) });
    }
  };
  const onBlock = (path: string, text: string) => {
    setDrafts({ ...drafts, [path]: text });
    const m = parseMultiplier(text);
    if (m.value !== null) setSettings({ lrMultipliers: { ...mults, [path]: m.value } });
  };
  const errors = [
    ...(decay.error ? [`Factor: ${decay.error}.`] : []),
    ...blocks.flatMap((b) => {
      const d = drafts[b.path];
      const e = d === undefined ? null : parseMultiplier(d).error;
      return e ? [`${b.name}: ${e}; it keeps × ${mults[b.path] ?? 1}.`] : [];
    }),
  ];
  return (
    <fieldset className="lr-multipliers" data-testid="lr-multipliers">
      <legend>Learning rate per block</legend>
      <label className="check" title="Earlier blocks, whose pretrained weights are already good, learn at a smaller rate (ULMFiT's discriminative fine-tuning)">
        <input type="checkbox" checked={on} data-testid="lr-mult-toggle" onChange={(e) => toggle(e.target.checked)} /> Discriminative rates
      </label>
      {on && (
        <>
          <label className="field" title="Each block back from the head learns at this times the next block's rate">
            <span>Factor per block back from the head</span>
            <input type="number" min={0} max={1} step="any" value={decayText} aria-invalid={!!decay.error} data-testid="lr-mult-factor" onChange={(e) => onDecay(e.target.value)} />
          </label>
          <table className="lr-mult-table">
            <tbody>
              {blocks.map((b) => {
                const text = drafts[b.path] ?? String(mults[b.path] ?? 1);
                const bad = parseMultiplier(text).error !== null;
                return (
                  <tr key={b.path}>
                    <td>{b.name}</td>
                    <td>
                      ×{' '}
                      <input type="number" min={0} max={1000} step="any" value={text} aria-invalid={bad} aria-label={`learning-rate multiplier of ${b.name}`} data-testid={`lr-mult-${b.path}`} onChange={(e) => onBlock(b.path, e.target.value)} />
                    </td>
                    <td className="muted">lr {Number(((mults[b.path] ?? 1) * lr).toPrecision(3))}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
          {errors.length > 0 && (
            <p className="warning" data-testid="lr-mult-error">
              {errors.join(' ')}
            </p>
          )}
        </>
      )}
    </fieldset>
  );
}

/** A run's multipliers in words, under its status line; nothing when every block had the same rate. */
export function RunLrMultipliers({ run }: { run: RunRecord }) {
  const root = useStudio((s) => s.model?.root);
  const words = multipliersWords(run.config.lrMultipliers ?? {}, run.config.lr, root?.children.map((b) => b.path));
  if (!words) return null;
  return (
    <p className="muted run-lr-mult" data-testid="run-lr-mult">
      Learning rate per block: {words}
    </p>
  );
}
