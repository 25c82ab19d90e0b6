// One run as it streams: status, throughput and ETA, the curves (loss, accuracy, learning rate,
// gradient norms per block and through time), then its evaluation and export.
import { useCallback, useMemo } from 'react';
import type { RunRecord } from '../../../../src-main/api/contract.js';
import type { RunProgress } from '../../../../src-main/api/training.js';
import { baselineShare } from '../../../../src-main/api/run-words.js';
import { Heatmap } from '../../charts/Heatmap.js';
import { LineChart } from '../../charts/LineChart.js';
import { compactCount, exactCount } from '../../format.js';
import { ChartList } from '../HelpSheet.js';
import { WaitLine } from '../WaitLine.js';
import { EvaluationView } from './Evaluation.js';
import { ExportBox } from './ExportBox.js';
import { GradientThroughTime } from './GradientThroughTime.js';
import { RunLrMultipliers } from './LrMultipliers.js';
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
const NORM_BEFORE = { label: 'global norm', color: '#5f3dc4' };
// After clipping drawn first and wide, so the unclipped norm shows on top where it was cut.
const NORM_CLIPPED = [
  { label: 'after clipping', color: '#8ce99a', width: 3 },
  { label: 'before clipping', color: '#5f3dc4', width: 1 },
  { label: 'clip threshold', color: '#868e96', dash: [6, 4], width: 1 },
];

function seconds(s: number): string {
  if (!Number.isFinite(s)) return '–';
  if (s < 60) return `${s.toFixed(0)} s`;
  return `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`;
}

const PHASE_WORDS: Record<RunProgress['phase'], string> = {
  caching: 'Caching the frozen features',
  validating: 'Validating',
  evaluating: 'Evaluating the best epoch',
  exporting: 'Checking the export against the trainer',
};

/** What a live run is waiting on between steps, with counts; nothing when it is stepping. */
export function RunWait({ run }: { run: RunRecord }) {
  const live = run.status === 'starting' || run.status === 'running';
  if (!live) return null;
  const p = run.progress;
  if (!p) {
    if (run.status !== 'starting') return null;
    return <WaitLine testId="run-wait">Preparing: reading the data and compiling the training step…</WaitLine>;
  }
  return (
    <WaitLine testId="run-wait" done={p.done} total={p.total}>
      {PHASE_WORDS[p.phase]} ({p.split}): {p.done.toLocaleString('en-US')} / {p.total.toLocaleString('en-US')} samples
    </WaitLine>
  );
}

export function RunStatusLine({ run }: { run: RunRecord }) {
  const last = run.epochs[run.epochs.length - 1];
  const epochs = run.config.epochs;
  const baseline = run.start?.baseline;
  return (
    <p className="run-status" data-testid="run-status" data-status={run.status} aria-live="polite">
      <span className={`badge status-${run.status}`}>{run.status}</span>
      {run.start && (
        <span>
          {compactCount(run.start.trainableParams)} / {compactCount(run.start.totalParams)} params train · {exactCount(run.start.samples.train)} train samples · cache {run.start.cache}
        </span>
      )}
      <span data-testid="run-epoch">
        epoch {run.epochs.length} / {epochs}
        {last && last.valLoss !== null && baseline && (
          <span data-testid="run-baseline-share">
            {' '}
            · validation loss {last.valLoss.toPrecision(3)}, {baselineShare(last.valLoss, baseline)} of the {baseline.loss.toFixed(3)} that {baseline.label} scores
          </span>
        )}
      </span>
      {last && (
        <span>
          {last.samplesPerSecond.toFixed(0)} samples/s · ETA {run.status === 'running' && !run.progress ? seconds(last.etaSeconds) : '–'}
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

export function RunView({ run, runs }: { run: RunRecord; runs: RunRecord[] }) {
  const resumeCrashedRun = useStudio((s) => s.resumeCrashedRun);
  const series = useMemo(() => runSeries(run), [run]);
  const norms = series.blockNorms;
  const value = useCallback((r: number, c: number) => norms[r]?.[c], [norms]);
  const baseline = run.start?.baseline;
  const lossSeries = useMemo(() => (baseline ? [...LOSS, { label: `${baseline.label} (${baseline.loss.toFixed(3)})`, color: '#868e96', dash: [6, 4], width: 1 }] : LOSS), [baseline]);
  const clip = run.config.clipNorm;
  const normSeries = useMemo(() => (series.clipped ? NORM_CLIPPED.slice(0, clip !== null && clip > 0 ? 3 : 2).map((s, i) => (i === 2 ? { ...s, label: `clip threshold (${clip})` } : s)) : [NORM_BEFORE]), [series.clipped, clip]);
  return (
    <div className="run-view" data-testid="run-view">
      <RunStatusLine run={run} />
      <RunLrMultipliers run={run} />
      <RunWait run={run} />
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
      <details className="chart-guide" data-testid="chart-guide">
        <summary>What these charts show</summary>
        <ChartList />
      </details>
      <div className="charts">
        <LineChart title="Loss" xLabel="step" integerX series={lossSeries} data={series.loss} logY={!!baseline} testId="chart-loss" />
        {series.accuracy[1].some((v) => v !== null) && <LineChart title="Accuracy" xLabel="epoch" series={ACC} data={series.accuracy} percentY integerX testId="chart-accuracy" />}
        <LineChart title="Learning rate" xLabel="step" integerX series={LR} data={series.lr} height={150} testId="chart-lr" />
        <LineChart
          title={series.clipped ? 'Global gradient norm, before and after clipping' : 'Global gradient norm'}
          xLabel="step"
          integerX
          series={normSeries}
          data={series.gradNorm}
          logY
          height={160}
          testId="chart-gradnorm"
        />
        <Heatmap title="Gradient norm per block" rows={series.blocks} columns={run.steps.length} value={value} testId="chart-heatmap" />
        <GradientThroughTime run={run} runs={runs} />
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
