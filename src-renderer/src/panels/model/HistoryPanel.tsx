// Every edit, in order, with undo and redo (Ctrl+Z / Ctrl+Shift+Z anywhere outside a text field).
import { useEffect, useRef } from 'react';
import { useStudio } from '../../state/store.js';

export function HistoryPanel() {
  const history = useStudio((s) => s.history);
  const future = useStudio((s) => s.future);
  const surgery = useStudio((s) => s.surgery);
  const last = useRef<HTMLLIElement>(null);
  // The newest edit in view.
  useEffect(() => {
    last.current?.scrollIntoView({ block: 'nearest' });
  }, [history.length]);
  return (
    <section className="history" aria-label="Edit history" data-testid="history">
      <h3>Edits</h3>
      {history.length === 0 && future.length === 0 ? (
        <p className="muted">No edits yet: the model as it was exported.</p>
      ) : (
        <ol>
          {history.map((g, i) => (
            <li key={`h${i}`} data-testid="history-item" ref={i === history.length - 1 ? last : undefined}>
              {g.label}
            </li>
          ))}
          {future.map((g, i) => (
            <li key={`f${i}`} className="undone" title="Undone: Ctrl+Shift+Z to redo">
              {g.label}
            </li>
          ))}
        </ol>
      )}
      {surgery && surgery.log.length > 0 && (
        <details>
          <summary>What the engine did</summary>
          <ul className="log">
            {surgery.log.map((l, i) => (
              <li key={i}>{l}</li>
            ))}
          </ul>
        </details>
      )}
    </section>
  );
}
