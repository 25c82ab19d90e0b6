// The gradient through time, ‖∂loss/∂h_t‖ per time step, of the run shown overlaid on the
// project's other recurrent runs on the same data (an RNN against an LSTM or a GRU), at an
// epoch picked with a slider, with a sentence saying how much reaches the first step.
import { useMemo, useState } from 'react';
import type { GradflowSnapshot, RunRecord } from '../../../../src-main/api/contract.js';
import { gradientCompareSentence, gradientOutcomeSentence } from '../../../../src-main/api/run-words.js';
import { superscriptPowers } from './powers.js';
import { LineChart } from '../../charts/LineChart.js';
import { firstStepRatioOf, flowPeers, flowSnapshots, runFlowName } from './gradient-flow.js';

const COLORS = ['#d9480f', '#1f4e9c', '#2b8a3e', '#5f3dc4', '#c2255c', '#087f8c'];

export function GradientThroughTime({ run, runs }: { run: RunRecord; runs: RunRecord[] }) {
  const own = flowSnapshots(run);
  const [picked, setPicked] = useState<number | null>(null);
  // Follows the newest epoch until the user picks one.
  const index = picked === null ? own.length - 1 : Math.min(picked, own.length - 1);
  const shown = own[index];
  const peers = useMemo(() => flowPeers(run, runs), [run, runs]);
  // Each other run at the same epoch when it has one, else at its last.
  const lines = useMemo(() => {
    if (!shown) return [];
    const at = (r: RunRecord): GradflowSnapshot | undefined => {
      const snaps = flowSnapshots(r);
      return snaps.find((s) => s.epoch === shown.epoch) ?? snaps[snaps.length - 1];
    };
    return [{ run, snap: shown }, ...peers.map((r) => ({ run: r, snap: at(r) }))].filter((l): l is { run: RunRecord; snap: GradflowSnapshot } => !!l.snap);
  }, [run, peers, shown]);
  const names = useMemo(() => lines.map((l) => runFlowName(l.run, runs, lines.map((x) => x.run))), [lines, runs]);
  const series = useMemo(() => lines.map((l, i) => ({ label: names[i], color: COLORS[i % COLORS.length], width: i === 0 ? 2.5 : 1.5 })), [lines, names]);
  const data = useMemo(() => {
    const T = Math.max(0, ...lines.map((l) => l.snap.layers[0].norms.length));
    return [Array.from({ length: T }, (_, t) => t + 1), ...lines.map((l) => Array.from({ length: T }, (_, t) => l.snap.layers[0].norms[t] ?? null))];
  }, [lines]);
  if (!shown) return null;
  const sentence = gradientCompareSentence(lines.map((l, i) => ({ name: names[i], layer: l.snap.layers[0] })));
  // What each run measured at the epoch shown, so the words never claim more than the numbers.
  const outcome = gradientOutcomeSentence(
    lines.map((l, i) => ({
      name: names[i],
      layer: l.snap.layers[0],
      valLoss: l.run.epochs.find((e) => e.epoch === l.snap.epoch)?.valLoss ?? null,
      baseline: l.run.start?.baseline ?? null,
    })),
  );
  const last = own[own.length - 1];
  return (
    <div className="gradflow" data-testid="gradflow" data-ratio={firstStepRatioOf(shown)} data-runs={lines.length}>
      <LineChart
        title={`Gradient through time ‖∂loss/∂h_t‖, epoch ${shown.epoch}${peers.length > 0 ? ', with the runs on the same data' : ''}`}
        xLabel="time step t"
        integerX
        series={series}
        data={data}
        logY
        height={220}
        testId="chart-gradflow"
      />
      {own.length > 1 && (
        <label className="field gradflow-epoch">
          <span>
            Epoch {shown.epoch} of {last.epoch}
          </span>
          <input type="range" min={0} max={own.length - 1} step={1} value={index} data-testid="gradflow-epoch" onChange={(e) => setPicked(Number(e.target.value))} />
        </label>
      )}
      <p className="gradflow-sentence" data-testid="gradflow-sentence">
        {superscriptPowers(sentence)}
      </p>
      <p className="gradflow-outcome" data-testid="gradflow-outcome">
        {superscriptPowers(outcome)}
      </p>
      <p className="muted">
        ‖∂loss/∂h₁‖ / ‖∂loss/∂h_T‖ is how much of the loss&apos;s gradient reaches the first time step.
        {peers.length === 0 ? ' Train the same data with another cell (Model tab, Swap cell…) to overlay it here.' : ''}
      </p>
    </div>
  );
}
