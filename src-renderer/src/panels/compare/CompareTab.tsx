// The project's runs side by side: strategy, what trained, how long, how well, on what data,
// with their validation curves overlaid: "feature extraction vs fine-tuning" on the user's data.
import { useMemo, useState } from 'react';
import type { RunRecord } from '../../../../src-main/api/contract.js';
import { LineChart } from '../../charts/LineChart.js';
import { compactCount } from '../../format.js';
import { useStudio } from '../../state/store.js';
import { compareConclusion, rowsFromRuns } from '../../../../src-main/api/compare.js';
import { comparableRuns, runTask } from './comparable.js';
import { dataUsed } from './data-used.js';

// Distinct hues in a row, so neighbouring runs never look alike.
const COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#17becf'];

function pct(x: number | null | undefined): string {
  return x === null || x === undefined ? '–' : `${(x * 100).toFixed(1)}%`;
}

/** Curves over epochs, one series per run, aligned on the longest run. */
function overlay(runs: RunRecord[], pick: (r: RunRecord) => (number | null)[]): (number | null)[][] {
  const n = Math.max(0, ...runs.map((r) => r.epochs.length));
  const x = Array.from({ length: n }, (_, i) => i + 1);
  return [x, ...runs.map((r) => x.map((_, i) => pick(r)[i] ?? null))];
}

export function CompareTab() {
  const runs = useStudio((s) => s.runs);
  const showRun = useStudio((s) => s.showRun);
  const setTab = useStudio((s) => s.setTab);
  const modelPath = useStudio((s) => s.model?.summary.path ?? null);
  const [hidden, setHidden] = useState<ReadonlySet<string>>(new Set());
  // Only runs of the same model and task share the charts, the conclusion and "best".
  const comparable = useMemo(() => comparableRuns(runs, modelPath), [runs, modelPath]);
  const incomparable = useMemo(() => new Map(comparable.hidden.map((h) => [h.run.id, h.reason])), [comparable]);
  const shown = useMemo(() => comparable.shown.filter((r) => !hidden.has(r.id)), [comparable, hidden]);
  const series = useMemo(() => shown.map((r) => ({ label: `#${runs.indexOf(r) + 1} ${r.label.split(' · ')[0]}`, color: COLORS[runs.indexOf(r) % COLORS.length], marks: true })), [shown, runs]);
  const acc = useMemo(() => overlay(shown, (r) => r.epochs.map((e) => e.valAccuracy)), [shown]);
  const loss = useMemo(() => overlay(shown, (r) => r.epochs.map((e) => e.valLoss)), [shown]);
  const conclusion = useMemo(() => compareConclusion(rowsFromRuns(comparable.shown)), [comparable]);
  // A regression (the adding problem) has no accuracy, and no pretrained start to test.
  const regression = comparable.shown.some((r) => runTask(r) === 'regression');
  if (runs.length === 0) return <p className="muted empty-note">No runs in this project yet: train on the Train tab, then compare strategies here.</p>;
  // The best run: highest validation accuracy, or lowest validation loss for regression.
  const score = (r: RunRecord) => (r.done ? (r.done.bestValAccuracy ?? -(r.done.bestValLoss ?? Infinity)) : -Infinity);
  const best = Math.max(...comparable.shown.map(score));
  const isBest = (r: RunRecord) => r.done !== null && !incomparable.has(r.id) && score(r) === best;
  return (
    <div className="compare-tab scroll-pane">
      <p className="conclusion" data-testid="compare-conclusion">
        {conclusion ??
          (regression
            ? 'Train another configuration (a different cell, learning rate or clipping) to compare it here: the lower validation loss wins.'
            : 'Train the same data from scratch too (Train tab, From scratch): the comparison then says whether transfer pays on your data, and by how much.')}
      </p>
      <table className="compare" data-testid="compare-table">
        <caption>Runs of this project (the best validation result is highlighted)</caption>
        <thead>
          <tr>
            <th scope="col">Show</th>
            <th scope="col">#</th>
            <th scope="col">Strategy</th>
            <th scope="col">Trainable params</th>
            <th scope="col">Train time</th>
            <th scope="col">Best val. loss</th>
            {!regression && <th scope="col">Best val. accuracy</th>}
            {!regression && <th scope="col">Test accuracy</th>}
            <th scope="col">Data</th>
            <th scope="col">Status</th>
          </tr>
        </thead>
        <tbody>
          {runs.map((r, i) => (
            <tr key={r.id} className={isBest(r) ? 'best' : incomparable.has(r.id) ? 'incomparable' : ''} title={isBest(r) ? 'best validation result of the project' : incomparable.get(r.id)}>
              <td>
                <input
                  type="checkbox"
                  aria-label={`Show run ${i + 1} on the charts`}
                  disabled={incomparable.has(r.id)}
                  checked={!hidden.has(r.id) && !incomparable.has(r.id)}
                  onChange={() => {
                    const next = new Set(hidden);
                    if (next.has(r.id)) next.delete(r.id);
                    else next.add(r.id);
                    setHidden(next);
                  }}
                />
              </td>
              <td>
                <span className="swatch" style={{ background: COLORS[i % COLORS.length] }} />
                {i + 1}
              </td>
              <td>
                <button
                  type="button"
                  className="link"
                  onClick={() => {
                    showRun(r.id);
                    setTab('train');
                  }}
                >
                  {r.label}
                </button>
              </td>
              <td>{r.start ? `${compactCount(r.start.trainableParams)} / ${compactCount(r.start.totalParams)}` : '–'}</td>
              <td>{r.done ? `${r.done.trainSeconds.toFixed(1)} s` : '–'}</td>
              <td>{r.done?.bestValLoss != null ? r.done.bestValLoss.toFixed(4) : '–'}</td>
              {!regression && <td>{pct(r.done?.bestValAccuracy)}</td>}
              {!regression && <td>{pct(r.evaluation?.split === 'test' ? r.evaluation.accuracy : null)}</td>}
              <td>{dataUsed(r)}</td>
              <td>{r.status}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {comparable.hidden.length > 0 && (
        <p className="muted" data-testid="compare-hidden">
          Not on the charts, as they are not comparable with this model&apos;s runs:{' '}
          {comparable.hidden.map((h) => `#${runs.indexOf(h.run) + 1} (${h.reason})`).join(', ')}. Open that model in a project of its own to compare them.
        </p>
      )}
      <div className="charts two">
        {acc.slice(1).some((col) => col.some((v) => v !== null)) && <LineChart title="Validation accuracy" xLabel="epoch" series={series} data={acc} percentY integerX testId="compare-accuracy" />}
        <LineChart title="Validation loss" xLabel="epoch" series={series} data={loss} integerX testId="compare-loss" />
      </div>
    </div>
  );
}
