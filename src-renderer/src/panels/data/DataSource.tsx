// Where the data comes from: a drop zone (folders and files), file pickers, a path on the
// engine's machine with an in-app browser, and the bundled default.
import { useRef, useState } from 'react';
import { useDropTarget } from '../drop-target.js';
import type { DragEvent, FormEvent } from 'react';
import { droppedFiles, inputFiles } from '../../api/uploads.js';
import { host } from '../../host.js';
import { useStudio } from '../../state/store.js';
import { useAddingDefaults } from '../train/AddingPreset.js';
import { addingSpecFor } from '../../state/train-guards.js';
import { FileBrowser } from './FileBrowser.js';

export function DataSource() {
  const appInfo = useStudio((s) => s.appInfo);
  const data = useStudio((s) => s.data);
  const upload = useStudio((s) => s.upload);
  const addFiles = useStudio((s) => s.addFiles);
  const setData = useStudio((s) => s.setData);
  const [path, setPath] = useState('');
  const [browsing, setBrowsing] = useState(false);
  const folderInput = useRef<HTMLInputElement>(null);
  const filesInput = useRef<HTMLInputElement>(null);
  const { desktop } = host;

  const { over, handlers } = useDropTarget((e: DragEvent) => {
    if (desktop) {
      void addFiles([], [...e.dataTransfer.files].map((f) => desktop.pathForFile(f)));
      return;
    }
    // Entries must be taken while the event is live; the walk continues after it.
    const pending = droppedFiles(e.dataTransfer);
    void pending.then((files) => addFiles(files, null));
  });
  /** The desktop app's own dialog: the dataset is opened where it is, nothing copied. */
  const pickNative = async (kind: 'open-dataset-folder' | 'open-dataset-file') => {
    if (!desktop) return;
    const p = await desktop.choosePath(kind);
    if (p) await setData(p);
  };
  const onPath = (e: FormEvent) => {
    e.preventDefault();
    if (path.trim()) void setData(path.trim());
  };
  const initial = appInfo?.initialData;
  const adding = useStudio((s) => addingSpecFor(s.model?.summary.inputs[0]?.shape ?? null, s.appInfo?.defaults.adding.samples));
  const addingDefaults = useAddingDefaults();
  return (
    <section className="data-source" aria-label="Dataset source">
      <div
        className={`drop-zone${over ? ' over' : ''}`}
        data-testid="drop-zone"
        {...handlers}
      >
        {upload ? (
          <p aria-live="polite">
            Uploading {upload.done} / {upload.total} files…
            <progress max={upload.total} value={upload.done} />
          </p>
        ) : (
          <>
            <p>
              <strong>Drop a dataset here</strong>: a folder of class folders (<code>cats/</code>, <code>dogs/</code>…; <code>train/</code> + <code>val/</code> splits are kept), MNIST-style
              IDX files, or a CSV with a label column.
            </p>
            {!desktop && <p className="muted">In the browser the files are copied into the project&apos;s folder on the studio&apos;s machine.</p>}
            <div className="row">
              <button type="button" onClick={() => (desktop ? void pickNative('open-dataset-folder') : folderInput.current?.click())}>
                Choose a folder…
              </button>
              <button type="button" onClick={() => (desktop ? void pickNative('open-dataset-file') : filesInput.current?.click())}>
                Choose {desktop ? 'a file' : 'files'}…
              </button>
            </div>
          </>
        )}
        <input
          ref={folderInput}
          type="file"
          hidden
          data-testid="folder-input"
          // React does not know the attribute; the browser does.
          {...{ webkitdirectory: '', directory: '' }}
          onChange={(e) => e.target.files && void addFiles(inputFiles(e.target.files), null)}
        />
        <input ref={filesInput} type="file" hidden multiple data-testid="files-input" onChange={(e) => e.target.files && void addFiles(inputFiles(e.target.files), null)} />
      </div>
      <form className="row path-row" onSubmit={onPath}>
        <label className="visually-hidden" htmlFor="data-path">
          Dataset path on the engine&apos;s machine
        </label>
        <input id="data-path" data-testid="data-path" type="text" placeholder="…or a path on the engine's machine" value={path} spellCheck={false} onChange={(e) => setPath(e.target.value)} />
        <button type="submit" data-testid="data-path-open" disabled={!path.trim()}>
          Open
        </button>
        <button type="button" onClick={() => setBrowsing(true)}>
          Browse…
        </button>
        {initial && (
          <button type="button" data-testid="use-default-data" disabled={data?.path === initial.path} onClick={() => void setData(initial.path, initial.options)} title={initial.path}>
            Use {initial.label.split(',')[0]}
          </button>
        )}
        {adding && (
          <button type="button" data-testid="use-adding" disabled={data?.path === adding} onClick={() => {
              // The task comes with the settings that learn it (the same as the CLI's).
              void setData(adding);
              addingDefaults?.();
            }}
            title="Generated sequences: add the two marked numbers (Hochreiter & Schmidhuber 1997)">
            Use the adding problem
          </button>
        )}
      </form>
      <FileBrowser
        open={browsing}
        onClose={() => setBrowsing(false)}
        onPick={(p) => {
          setBrowsing(false);
          void setData(p);
        }}
      />
    </section>
  );
}
