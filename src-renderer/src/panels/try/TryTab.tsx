// Try the trained model: drop images on it (or draw samples from the test split) and see its
// most probable classes with their probabilities; for sequence and table models, samples of
// the task with the prediction beside the truth.
import { useRef } from 'react';
import { useDropTarget } from '../drop-target.js';
import type { DragEvent } from 'react';
import type { RunRecord, TryPrediction } from '../../../../src-main/api/contract.js';
import { droppedFiles, inputFiles } from '../../api/uploads.js';
import { host } from '../../host.js';
import { useStudio } from '../../state/store.js';
import { sampleSplit, tryableRuns, triedRun } from '../../state/try-runs.js';
import './try.css';

const SAMPLES = 8;

/** ", 5 of 8 right" over the samples whose true class is known. */
function rightOf(cards: { prediction: TryPrediction }[]): string {
  const judged = cards.map((c) => c.prediction).filter((p) => p.top && p.truth?.index != null);
  if (judged.length === 0) return '';
  return `, ${judged.filter((p) => p.top![0].index === p.truth!.index).length} of ${judged.length} right`;
}

function percent(p: number): string {
  return p >= 0.995 ? `${(p * 100).toFixed(1)}%` : p < 0.001 ? '<0.1%' : `${(p * 100).toFixed(1)}%`;
}

function RunPicker({ runs, chosen }: { runs: RunRecord[]; chosen: RunRecord }) {
  const allRuns = useStudio((s) => s.runs);
  const tryRunId = useStudio((s) => s.tryRunId);
  const setTryRun = useStudio((s) => s.setTryRun);
  return (
    <label className="field">
      <span>Model</span>
      <select data-testid="try-run" value={tryRunId && runs.some((r) => r.id === tryRunId) ? tryRunId : ''} onChange={(e) => setTryRun(e.target.value || null)}>
        <option value="">Latest run (#{allRuns.indexOf(chosen) + 1})</option>
        {runs.map((r) => (
          <option key={r.id} value={r.id}>
            #{allRuns.indexOf(r) + 1} {r.label}
          </option>
        ))}
      </select>
    </label>
  );
}

function ClassBars({ p }: { p: TryPrediction }) {
  const truth = p.truth?.index ?? null;
  return (
    <ol className="try-bars" data-testid="try-bars">
      {p.top!.map((c, rank) => (
        <li key={c.index} className={`${rank === 0 ? 'best' : ''}${truth === c.index ? ' truth' : ''}`} data-probability={c.probability}>
          <span className="try-class" title={truth === c.index ? `${c.className} (the true class)` : c.className}>
            {truth === c.index && (
              <span className="try-true" aria-label="true class">
                ✓{' '}
              </span>
            )}
            {c.className}
          </span>
          <span className="try-bar-track">
            <span className="try-bar" style={{ width: `${Math.max(c.probability * 100, 0.5)}%` }} />
          </span>
          <span className="try-percent">{percent(c.probability)}</span>
        </li>
      ))}
    </ol>
  );
}

function Verdict({ p }: { p: TryPrediction }) {
  if (!p.truth) return null;
  if (p.top && p.truth.index !== null) {
    const right = p.top[0].index === p.truth.index;
    return (
      <p className={`try-verdict ${right ? 'right' : 'wrong'}`} data-testid="try-verdict">
        {right ? 'Right' : 'Wrong'}: true class <strong>{p.truth.className}</strong>
        {!right && !p.top.some((c) => c.index === p.truth!.index) && ' (not among the top classes)'}
      </p>
    );
  }
  if (p.values && p.truth.values) {
    const [got, want] = [p.values[0], p.truth.values[0]];
    return (
      <p className="try-verdict" data-testid="try-verdict">
        Predicted <strong>{got.toFixed(3)}</strong>, true <strong>{want.toFixed(3)}</strong> (off by {Math.abs(got - want).toFixed(3)})
      </p>
    );
  }
  return null;
}

function Card({ picture, p }: { picture: string | null; p: TryPrediction }) {
  // A file that could not be read has no picture worth showing (the browser cannot draw it either).
  const image = p.error ? null : (picture ?? p.input);
  return (
    <figure className={`try-card${p.error ? ' failed' : ''}`} data-testid="try-card">
      {image && (
        <div className="try-pictures">
          <img src={image} alt={`${p.name}`} className={picture ? '' : 'pixelated'} />
          {picture && p.input && (
            <figure className="try-network-input" title="What the network receives: resized and converted as in training">
              <img src={p.input} alt={`what the network sees of ${p.name}`} className="pixelated" />
              <figcaption>network input</figcaption>
            </figure>
          )}
        </div>
      )}
      <figcaption>
        <div className="try-name" title={p.name}>
          {p.name}
        </div>
        {p.error ? (
          <p className="try-error" data-testid="try-error">
            {p.error}
          </p>
        ) : (
          <>
            {p.top && <ClassBars p={p} />}
            {p.values && !p.truth && (
              <p>
                Predicted <strong>{p.values.map((v) => v.toFixed(3)).join(', ')}</strong>
              </p>
            )}
            <Verdict p={p} />
            <p className="muted try-summary">{p.inputSummary}</p>
          </>
        )}
      </figcaption>
    </figure>
  );
}

/** Generated sequences and tables are not images: their samples are what the model reads. */
function readsImages(run: RunRecord): boolean {
  const data = run.config.data.path.toLowerCase();
  return !data.startsWith('task:') && !data.endsWith('.csv');
}

function DropArea({ run }: { run: RunRecord }) {
  const tryImages = useStudio((s) => s.tryImages);
  const trySamples = useStudio((s) => s.trySamples);
  const trying = useStudio((s) => s.trying);
  const picker = useRef<HTMLInputElement>(null);
  const from = sampleSplit(run);
  const images = readsImages(run);
  const { desktop } = host;
  const { over, handlers } = useDropTarget((e: DragEvent) => {
    const files = [...e.dataTransfer.files];
    if (desktop) {
      void tryImages(
        files.map((file) => ({ file, relativePath: file.name })),
        files.map((f) => desktop.pathForFile(f)),
      );
      return;
    }
    void droppedFiles(e.dataTransfer).then((picked) => tryImages(picked, null));
  });
  const samplesButton = from && (
    <button type="button" data-testid="try-samples" className={images ? '' : 'primary'} disabled={!!trying} onClick={() => void trySamples(SAMPLES)}>
      Try {SAMPLES} {from.split === 'test' ? 'test' : 'validation'} samples
    </button>
  );
  if (!images) {
    return (
      <div className="drop-zone try-drop">
        <p>
          This model reads {run.config.data.path.startsWith('task:') ? 'generated sequences' : 'table rows'}, not images. Try it on samples it never trained on: each shows what went in, the
          prediction and the truth.
        </p>
        <div className="row wrap">{samplesButton}</div>
      </div>
    );
  }
  return (
    <div
      className={`drop-zone try-drop${over ? ' over' : ''}`}
      data-testid="try-drop"
      {...handlers}
    >
      <p>
        <strong>Drop images here</strong> (one or several) to see what the model makes of them: its most probable classes, computed with the same resizing and normalisation as in
        training.
      </p>
      <div className="row wrap">
        <button type="button" disabled={!!trying} onClick={() => picker.current?.click()}>
          Choose images…
        </button>
        {samplesButton}
      </div>
      <input ref={picker} type="file" accept="image/*" multiple hidden data-testid="try-input" onChange={(e) => e.target.files && void tryImages(inputFiles(e.target.files), null)} />
    </div>
  );
}

export function TryTab() {
  const runs = useStudio((s) => s.runs);
  const tryRunId = useStudio((s) => s.tryRunId);
  const result = useStudio((s) => s.tryResult);
  const trying = useStudio((s) => s.trying);
  const problem = useStudio((s) => s.tryProblem);
  const setTab = useStudio((s) => s.setTab);
  const run = triedRun(runs, tryRunId);
  if (!run) {
    return (
      <div className="try-tab scroll-pane">
        <div className="try-empty" data-testid="try-empty">
          <h2>Try your model</h2>
          <p>
            Once a run has finished, drop your own images here and see the classes the trained model gives them, with their probabilities. Sequence and table models are tried on
            samples of their test data.
          </p>
          <p>
            {runs.length > 0 ? 'No run has finished with a model yet.' : 'No runs yet.'}{' '}
            <button type="button" className="link" onClick={() => setTab('train')}>
              Go to Train
            </button>
          </p>
        </div>
      </div>
    );
  }
  const cards = result && result.runId === run.id ? result.cards : [];
  return (
    <div className="try-tab scroll-pane" data-testid="try-tab">
      <div className="try-head">
        <RunPicker runs={tryableRuns(runs)} chosen={run} />
        <p className="muted try-run-note">
          {run.label}
          {run.evaluation?.accuracy != null && `, ${(run.evaluation.accuracy * 100).toFixed(1)}% on its ${run.evaluation.split} split`}
        </p>
      </div>
      <DropArea run={run} />
      {trying && (
        <p className="try-status" aria-live="polite" data-testid="try-busy">
          <span className="try-spinner" aria-hidden="true" /> {trying}
        </p>
      )}
      {problem && (
        <p className="warning" data-testid="try-problem">
          {problem}
        </p>
      )}
      {result?.note && <p className="muted">{result.note}</p>}
      {cards.length > 0 ? (
        <>
          <p className="muted try-timing" data-testid="try-timing">
            {cards.length} input{cards.length === 1 ? '' : 's'} in {(result!.millis / 1000).toFixed(1)} s{rightOf(cards)}
          </p>
          <div className="try-grid" data-testid="try-results">
            {cards.map((c) => (
              <Card key={c.key} picture={c.picture} p={c.prediction} />
            ))}
          </div>
        </>
      ) : (
        !trying && (
          <p className="muted empty-note">
            {readsImages(run) ? `Nothing tried yet: drop an image above${sampleSplit(run) ? ', or try samples the model never trained on' : ''}.` : 'Nothing tried yet: try samples the model never trained on (above).'}
          </p>
        )
      )}
    </div>
  );
}
