// One run as it streams: status, throughput and ETA, the curves (loss, accuracy, learning rate,
// gradient norms per block and through time), then its evaluation and export.
import { useCallback, useMemo } from 'react';
import type { RunRecord } from '../../../../src-main/api/contract.js';
import { Heatmap } from '../../charts/Heatmap.js';
import { LineChart } from '../../charts/LineChart.js';
import { compactCount } from '../../format.js';
import { EvaluationView } from './Evaluation.js';
import { ExportBox } from './ExportBox.js';
import { runSeries } from './run-series.js';
import { useStudio } from '../../state/store.js';

const LOSS = [
  { label: 'step loss', color: '#8aa4c8' },
  { label: 'train (epoch)', color: '#1f4e9c', points: true },
  { label: 'validation (epoch)', color: '#d9480f', points: true },
];
const ACC = [
  { label: 'train', color: '#1f4e9c', marks: true },
  { label: 'validation', color: '#d9480f', marks: true },
];
const LR = [{ label: 'learning rate', color: '#2b8a3e' }];
const NORM = [{ label: 'global gradient norm (before clipping)', color: '#5f3dc4' }];
const FLOW_COLORS = ['#d9480f', '#1f4e9c', '#2b8a3e', '#5f3dc4'];

function seconds(s: number): string {
  if (!Number.isFinite(s)) return '–';
  if (s < 60) return `${s.toFixed(0)} s`;
  return `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`;
}

/** The gradient reaching the first step, relative to the last. */
function flowRatio(norms: number[]): number {
  const last = norms[norms.length - 1];
  return last > 0 ? norms[0] / last : 0;
}

export function RunStatusLine({ run }: { run: RunRecord }) {
  const last = run.epochs[run.epochs.length - 1];
  const epochs = run.config.epochs;
  return (
    <p className="run-status" data-testid="run-status" data-status={run.status} aria-live="polite">
      <span className={`badge status-${run.status}`}>{run.status}</span>
      {run.start && (
        <span>
          {compactCount(run.start.trainableParams)} / {compactCount(run.start.totalParams)} params train · {run.start.samples.train} train samples · cache {run.start.cache}
        </span>
      )}
      <span data-testid="run-epoch">
        epoch {run.epochs.length} / {epochs}
      </span>
      {last && (
        <span>
          {last.samplesPerSecond.toFixed(0)} samples/s · ETA {run.status === 'running' ? seconds(last.etaSeconds) : '–'}
        </span>
      )}
      {run.done && (
        <span>
          trained in {seconds(run.done.trainSeconds)}, {run.done.bestValLoss === null ? `kept the last epoch (${run.done.bestEpoch}): no validation samples` : `best epoch ${run.done.bestEpoch}`}
        </span>
      )}
    </p>
  );
}

export function RunView({ run }: { run: RunRecord }) {
  const resumeCrashedRun = useStudio((s) => s.resumeCrashedRun);
  const series = useMemo(() => runSeries(run), [run]);
  const norms = series.blockNorms;
  const value = useCallback((r: number, c: number) => norms[r]?.[c], [norms]);
  const flow = run.gradflow;
  const flowData = useMemo(() => {
    if (!flow || flow.layers.length === 0) return null;
    const T = Math.max(...flow.layers.map((l) => l.norms.length));
    return [Array.from({ length: T }, (_, t) => t + 1), ...flow.layers.map((l) => Array.from({ length: T }, (_, t) => l.norms[t] ?? null))];
  }, [flow]);
  const flowSeries = useMemo(() => flow?.layers.map((l, i) => ({ label: `${l.cell} ${l.nodeId}`, color: FLOW_COLORS[i % FLOW_COLORS.length] })) ?? [], [flow]);
  return (
    <div className="run-view" data-testid="run-view">
      <RunStatusLine run={run} />
      {run.error && (
        <p className="warning" data-testid="run-error">
          {run.error.message} <span className="error-code">{run.error.code}</span>{' '}
          {run.status === 'crashed' && run.checkpointEpoch !== null && (
            <button type="button" data-testid="run-resume-crashed" onClick={() => void resumeCrashedRun(run.id)}>
              Resume from epoch {run.checkpointEpoch}
            </button>
          )}
        </p>
      )}
      <div className="charts">
        <LineChart title="Loss" xLabel="step" series={LOSS} data={series.loss} testId="chart-loss" />
        {series.accuracy[1].some((v) => v !== null) && <LineChart title="Accuracy" xLabel="epoch" series={ACC} data={series.accuracy} integerX testId="chart-accuracy" />}
        <LineChart title="Learning rate" xLabel="step" series={LR} data={series.lr} height={120} testId="chart-lr" />
        <LineChart title="Gradient norm" xLabel="step" series={NORM} data={series.gradNorm} logY height={120} testId="chart-gradnorm" />
        <Heatmap title="Gradient norm per block" rows={series.blocks} columns={run.steps.length} value={value} testId="chart-heatmap" />
        {flowData && (
          <div className="gradflow" data-testid="gradflow" data-ratio={flowRatio(flow!.layers[0].norms)}>
            <LineChart
              title={`Gradient through time (step ${flow!.step}): ‖∂loss/∂h_t‖`}
              xLabel="time step t"
              integerX
              series={flowSeries}
              data={flowData}
              logY
              testId="chart-gradflow"
            />
            <p className="muted">
              ‖∂loss/∂h₁‖ / ‖∂loss/∂h_T‖ = {flowRatio(flow!.layers[0].norms).toExponential(1)}: how much of the loss&apos;s gradient reaches the first time step. A vanilla
              RNN&apos;s vanishes; the gates of an LSTM or a GRU carry it back.
            </p>
          </div>
        )}
      </div>
      {run.evaluation && <EvaluationView run={run} evaluation={run.evaluation} />}
      <ExportBox run={run} />
      {run.log.length > 0 && (
        <details className="run-log">
          <summary>Log ({run.log.length} lines)</summary>
          <pre>{run.log.join('\n')}</pre>
        </details>
      )}
    </div>
  );
}
