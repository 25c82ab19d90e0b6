// The run's exported model: where it is, whether onnxruntime reproduced the trainer's outputs,
// and getting it out (a download in the browser, a copy to a path on the engine's machine).
import { useEffect, useState } from 'react';
import type { FormEvent } from 'react';
import type { RunRecord } from '../../../../src-main/api/contract.js';
import { host } from '../../host.js';
import { useStudio } from '../../state/store.js';
import { exportFileName } from './export-name.js';

const SPLIT_WORDS = { train: 'training', val: 'validation', test: 'test' } as const;

export function ExportBox({ run }: { run: RunRecord }) {
  const showError = useStudio((s) => s.showError);
  const [path, setPath] = useState('');
  const [saved, setSaved] = useState<string | null>(null);
  const project = useStudio((s) => s.projectName);
  const roots = useAllowedFolders(host.web !== null);
  const x = run.export;
  if (!x) return null;
  const saveTo = (to: string) =>
    host.api.exportRun({ id: run.id, path: to }).then(
      (r) => setSaved(`${r.path} (${(r.bytes / 1024).toFixed(0)} KiB)`),
      (err: unknown) => showError(err, 'Exporting the model'),
    );
  const save = (e: FormEvent) => {
    e.preventDefault();
    void saveTo(path.trim());
  };
  const { desktop, web } = host;
  const fileName = exportFileName(project, run);
  return (
    <section className="export-box" data-testid="export-box" aria-label="Export">
      <h3>Exported model</h3>
      <p data-testid="export-verified" className={x.verified ? 'ok' : 'warning'}>
        {x.verified ? (x.checkedOn === 'train' ? '✓ Checked on training samples' : '✓ Verified') : '✗ Not verified'}: onnxruntime ran the exported file on {x.samples}{' '}
        {SPLIT_WORDS[x.checkedOn ?? 'val']} samples; largest difference from the trainer&apos;s own outputs {x.maxAbsDiff.toExponential(1)} (allowed 1e-4).
      </p>
      {x.note && (
        <p className="warning" data-testid="export-note">
          {x.note}
        </p>
      )}
      <p className="muted">
        {run.evaluation?.classes
          ? 'The file keeps the edited graph, the trained weights, the class names and the preprocessing (size, mean, std, layout) in its metadata.'
          : 'The file keeps the edited graph, the trained weights and the input’s normalisation (mean, std) in its metadata.'}
      </p>
      <div className="row wrap">
        {desktop && (
          <button type="button" className="primary" data-testid="save-export-dialog" onClick={() => void desktop.choosePath('save-model', fileName).then((p) => (p ? saveTo(p) : undefined))}>
            Save as…
          </button>
        )}
        {web && (
          <button type="button" className="primary" data-testid="download-export" onClick={() => void web.download(run.id, fileName).catch((err: unknown) => showError(err, 'Downloading the model'))}>
            Download .onnx
          </button>
        )}
        <form className="row" onSubmit={save}>
          <label className="visually-hidden" htmlFor={`export-path-${run.id}`}>
            Save the model to a path
          </label>
          <input id={`export-path-${run.id}`} data-testid="export-path" type="text" placeholder="/path/to/model.onnx" value={path} spellCheck={false} onChange={(e) => setPath(e.target.value)} />
          <button type="submit" data-testid="export-save" disabled={!path.trim().toLowerCase().endsWith('.onnx')}>
            Save to path
          </button>
        </form>
      </div>
      {web && roots && (
        <p className="muted" data-testid="export-roots">
          Save to path writes on the studio&apos;s machine, inside {roots.length ? 'these folders only: ' : 'no folder (this studio may not write any).'}
          {roots.map((r, i) => (
            <span key={r}>
              {i > 0 && ', '}
              <code>{r}</code>
            </span>
          ))}
        </p>
      )}
      {saved && (
        <p className="ok" data-testid="export-saved">
          Saved {saved}
        </p>
      )}
    </section>
  );
}

/** The folders a browser's "Save to path" may write into (null until known, or on the desktop). */
function useAllowedFolders(web: boolean): string[] | null {
  const [roots, setRoots] = useState<string[] | null>(null);
  useEffect(() => {
    if (!web) return;
    let live = true;
    host.api.browse({ path: null }).then(
      (r) => live && setRoots(r.roots),
      () => live && setRoots(null),
    );
    return () => {
      live = false;
    };
  }, [web]);
  return roots;
}
