// How the trained model does on held-out data: accuracy, the confusion matrix (rows: true
// class, columns: predicted), per-class accuracy and the samples it got most wrong.
import { useEffect, useState } from 'react';
import type { Evaluation, RunRecord, SampleView } from '../../../../src-main/api/contract.js';
import { host } from '../../host.js';

/** The images of the worst samples, read back from the run's dataset as the run read it. */
function useSampleImages(run: RunRecord, evaluation: Evaluation, open: boolean): Map<number, SampleView> | null {
  const [images, setImages] = useState<Map<number, SampleView> | null>(null);
  useEffect(() => {
    if (!open || images) return;
    const c = run.config;
    let live = true;
    host.api
      .datasetSamples({
        path: c.data.path,
        model: c.model,
        options: c.data.options,
        split: evaluation.split,
        indices: evaluation.worst.map((w) => w.index),
      })
      .then(
        (samples) => live && setImages(new Map(samples.map((s) => [s.index, s]))),
        () => live && setImages(new Map()),
      );
    return () => {
      live = false;
    };
  }, [open, images, run.config, evaluation]);
  return images;
}

function WorstSamples({ run, evaluation, names }: { run: RunRecord; evaluation: Evaluation; names: string[] }) {
  const [open, setOpen] = useState(false);
  const images = useSampleImages(run, evaluation, open);
  return (
    <details className="worst" data-testid="worst-samples" onToggle={(e) => setOpen((e.target as HTMLDetailsElement).open)}>
      <summary>The {evaluation.worst.length} worst-predicted samples</summary>
      <div className="sample-grid">
        {evaluation.worst.map((w) => {
          const img = images?.get(w.index);
          return (
            <figure key={`${w.index}-${w.id}`} className="sample" title={w.id}>
              <div className="sample-images">
                {img?.original && <img src={img.original} alt={`stored image of ${w.id}`} />}
                {img?.input && !img.original && <img src={img.input} alt={`network input of ${w.id}`} className="pixelated" />}
                {!img && <span className="muted">{open ? '…' : ''}</span>}
              </div>
              <figcaption>
                {w.label === w.predicted ? (
                  <>
                    <strong>{names[w.label] ?? w.label}</strong>, right but unsure
                  </>
                ) : (
                  <>
                    <strong>{names[w.label] ?? w.label}</strong> taken for <strong className="wrong">{names[w.predicted] ?? w.predicted}</strong>
                  </>
                )}
                <br />
                <span className="muted">loss {w.loss.toFixed(2)}</span>
              </figcaption>
            </figure>
          );
        })}
      </div>
    </details>
  );
}

export function EvaluationView({ run, evaluation }: { run: RunRecord; evaluation: Evaluation }) {
  const { confusion, classes, perClassAccuracy } = evaluation;
  const names = classes ?? confusion?.map((_, i) => String(i)) ?? [];
  const max = Math.max(1, ...(confusion?.flat() ?? [1]));
  return (
    <section className="evaluation" data-testid="evaluation" aria-label="Evaluation">
      <h3>
        Evaluation on the {evaluation.split === 'test' ? 'test' : 'validation'} split: {evaluation.samples.toLocaleString('en-US')} samples
        {evaluation.accuracy !== null && (
          <>
            , accuracy <strong data-testid="eval-accuracy">{(evaluation.accuracy * 100).toFixed(1)}%</strong>
          </>
        )}
        , loss {evaluation.loss.toFixed(4)}
      </h3>
      {confusion && (
        <div className="eval-grid">
          <table className="confusion" data-testid="confusion-matrix">
            <caption>Confusion matrix (rows: true class, columns: predicted)</caption>
            <thead>
              <tr>
                <th scope="col" />
                {names.map((n) => (
                  <th scope="col" key={n} title={n}>
                    <span className="rot">{n}</span>
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {confusion.map((row, i) => (
                <tr key={names[i]}>
                  <th scope="row">{names[i]}</th>
                  {row.map((v, j) => (
                    <td
                      key={j}
                      className={i === j ? 'diag' : v > 0 ? 'off' : ''}
                      style={{ ['--v' as string]: (v / max).toFixed(3) }}
                      title={`true ${names[i]}, predicted ${names[j]}: ${v}`}
                    >
                      {v}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
          {perClassAccuracy && (
            <table className="per-class" data-testid="per-class">
              <caption>Per-class accuracy</caption>
              <tbody>
                {perClassAccuracy.map((a, i) => (
                  <tr key={names[i]}>
                    <th scope="row">{names[i]}</th>
                    <td className="bar-cell">
                      <span className="bar" style={{ width: `${a * 100}%` }} />
                    </td>
                    <td>{(a * 100).toFixed(1)}%</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </div>
      )}
      {evaluation.worst.length > 0 && <WorstSamples run={run} evaluation={evaluation} names={names} />}
    </section>
  );
}
