// App name, the model picker (bundled/known models, or any path on the engine's machine) and
// a one-line summary of the open model.
import { useState } from 'react';
import type { FormEvent } from 'react';
import { compactCount, exactCount } from '../format.js';
import { host } from '../host.js';
import { FileBrowser } from './data/FileBrowser.js';
import { useStudio } from '../state/store.js';
import { MiddleEllipsis } from './MiddleEllipsis.js';
import { ProjectMenu, ProjectNameDialog, freeName } from './ProjectDialogs.js';

export function TopBar() {
  const models = useStudio((s) => s.models);
  const model = useStudio((s) => s.model);
  const loading = useStudio((s) => s.loading);
  const appInfo = useStudio((s) => s.appInfo);
  const open = useStudio((s) => s.openModel);
  const edits = useStudio((s) => s.history.length);
  const runs = useStudio((s) => s.runs.length);
  const projects = useStudio((s) => s.projects);
  const newProject = useStudio((s) => s.newProject);
  const [path, setPath] = useState('');
  const [browsing, setBrowsing] = useState(false);
  /** A model that would mix into a project about another one: offered a project of its own. */
  const [offer, setOffer] = useState<string | null>(null);
  const openModel = async (p: string) => {
    if (model && p !== model.summary.path && (edits > 0 || runs > 0)) setOffer(p);
    else await open(p);
  };
  const project = useStudio((s) => s.projectName);
  // A typed path belongs to the project it was typed in: another project starts with an empty field.
  const [pathFor, setPathFor] = useState(project);
  if (pathFor !== project) {
    setPathFor(project);
    setPath('');
  }
  const saving = useStudio((s) => s.saving);
  const savedAt = useStudio((s) => s.savedAt);

  const current = model?.summary.path ?? '';
  const known = models.some((m) => m.path === current);

  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    const p = path.trim();
    if (p) void openModel(p);
  };

  return (
    <header className="topbar">
      <div className="brand" aria-label="Graft">
        <span className="brand-mark" aria-hidden="true" />
        Graft
      </div>

      <label className="picker">
        <span className="visually-hidden">Model</span>
        <select
          data-testid="model-select"
          value={known ? current : ''}
          disabled={loading !== null}
          onChange={(e) => {
            if (e.target.value) void openModel(e.target.value);
          }}
        >
          <option value="">{models.length ? 'Choose a model…' : 'No bundled models'}</option>
          {models.map((m) => (
            <option key={m.path} value={m.path}>
              {m.label}
              {m.bundled ? ' (bundled)' : ''}
            </option>
          ))}
        </select>
      </label>

      <form className="open-path" onSubmit={onSubmit}>
        <label className="visually-hidden" htmlFor="open-path-input">
          Model path on the engine's machine
        </label>
        <input
          id="open-path-input"
          data-testid="open-path-input"
          type="text"
          placeholder="/path/to/model.onnx"
          title="A model (.onnx) on the engine's machine: type its path and press Open"
          value={path}
          spellCheck={false}
          autoComplete="off"
          onChange={(e) => setPath(e.target.value)}
        />
        <button type="submit" data-testid="open-path-button" disabled={loading !== null || path.trim() === ''}>
          Open
        </button>
        <button
          type="button"
          data-testid="browse-models"
          onClick={() => {
            // The desktop app has the system's dialog; a browser gets the list of allowed folders.
            if (host.desktop) void host.desktop.choosePath('open-model').then((p) => (p ? openModel(p) : undefined));
            else setBrowsing(true);
          }}
        >
          Browse…
        </button>
      </form>
      {browsing && (
        <div className="topbar-browser">
          <FileBrowser
            open
            title="Choose a model"
            folders={false}
            fileFilter={(n) => n.toLowerCase().endsWith('.onnx')}
            onClose={() => setBrowsing(false)}
            onPick={(p) => {
              setBrowsing(false);
              void openModel(p);
            }}
          />
        </div>
      )}

      <div className="summary" data-testid="model-summary" aria-live="polite">
        {loading ? (
          <span className="muted">Opening {baseName(loading)}…</span>
        ) : model ? (
          <>
            <strong className="model-name">
              <MiddleEllipsis text={model.summary.fileName} title={model.summary.path} testId="model-name" />
            </strong>
            <span className="node-count" title={`${exactCount(model.summary.nodeCount)} ONNX nodes`}>{exactCount(model.summary.nodeCount)} nodes</span>
            <span title={`${exactCount(model.summary.totalParams)} parameters`}>{compactCount(model.summary.totalParams)} params</span>
          </>
        ) : (
          <span className="muted">No model open</span>
        )}
        {appInfo && <span className="mode-badge" title={`Graft ${appInfo.version}`}>{appInfo.mode === 'serve' ? 'serve' : 'desktop'}</span>}
      </div>
      <ProjectMenu />
      {offer && model && (
        <ProjectNameDialog
          title={`Open ${baseName(offer)} in a new project`}
          initial={freeName(baseName(offer).replace(/\.onnx$/i, ''), projects.map((p) => p.name))}
          submitLabel="Create and open"
          testId="model-project-dialog"
          onClose={() => setOffer(null)}
          onSubmit={(name) => {
            setOffer(null);
            void newProject(name, offer);
          }}
        >
          <p>
            &quot;{project}&quot; is about {model.summary.fileName}: its {runs} run{runs === 1 ? '' : 's'}, {edits} edit{edits === 1 ? '' : 's'} and results stay there, and the project menu
            switches back to it.
          </p>
        </ProjectNameDialog>
      )}
      <span className="save-state" data-testid="save-state" data-state={saving} title={`Project "${project}"${savedAt ? `, saved at ${new Date(savedAt).toLocaleTimeString()}` : ''}`}>
        {saving === 'saving' || saving === 'pending' ? 'saving…' : saving === 'error' ? 'not saved' : savedAt ? 'saved' : ''}
      </span>
    </header>
  );
}

function baseName(path: string): string {
  return path.split(/[\\/]/).pop() || path;
}
