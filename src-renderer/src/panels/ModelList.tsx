import { useStudio } from '../state/store.js';

/** What the canvas shows before a model is open. */
export function ModelList() {
  const models = useStudio((s) => s.models);
  const loading = useStudio((s) => s.loading);
  const openModel = useStudio((s) => s.openModel);
  return (
    <div className="empty-state" data-testid="model-list">
      <h1>Open a model</h1>
      {loading ? (
        <p className="muted">Opening {loading}…</p>
      ) : models.length === 0 ? (
        <p className="muted">No bundled models. Type the path of an ONNX file above.</p>
      ) : (
        <ul>
          {models.map((m) => (
            <li key={m.path}>
              <button type="button" onClick={() => void openModel(m.path)}>
                <span className="model-label">{m.label}</span>
                <span className="model-path">{m.path}</span>
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
