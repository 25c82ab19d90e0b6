// How the trained model does on held-out data: accuracy, the confusion matrix (rows: true
// class, columns: predicted), per-class accuracy and the samples it got most wrong.
import type { Evaluation } from '../../../../src-main/api/contract.js';

export function EvaluationView({ evaluation }: { evaluation: Evaluation }) {
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
      {evaluation.worst.length > 0 && (
        <details className="worst">
          <summary>The {evaluation.worst.length} worst-predicted samples</summary>
          <table>
            <thead>
              <tr>
                <th scope="col">Sample</th>
                <th scope="col">True</th>
                <th scope="col">Predicted</th>
                <th scope="col">Loss</th>
              </tr>
            </thead>
            <tbody>
              {evaluation.worst.map((w) => (
                <tr key={w.id}>
                  <td>
                    <code>{w.id}</code>
                  </td>
                  <td>{names[w.label] ?? w.label}</td>
                  <td>{names[w.predicted] ?? w.predicted}</td>
                  <td>{w.loss.toFixed(3)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </details>
      )}
    </section>
  );
}
