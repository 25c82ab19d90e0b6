// What is in the dataset: classes and counts per split (with the imbalance warning), the
// reading options, skipped files with their reasons, and sample previews.
import { useState } from 'react';
import type { DataOptions, DatasetProgress, DatasetView } from '../../../../src-main/api/contract.js';
import { exactCount } from '../../format.js';
import { datasetName } from '../../api/uploads.js';
import { withRename } from '../../state/renames.js';
import { isInitialSample } from '../../state/sample-data.js';
import { FIX_VALIDATION_SHARE, validationBlocker } from '../../state/train-guards.js';
import { useStudio } from '../../state/store.js';
import { WaitLine } from '../WaitLine.js';
import { DataSource } from './DataSource.js';
import { datasetProgressWords } from './progress-words.js';
import './class-names.css';

const SPLITS = ['train', 'val', 'test'] as const;

/** A class's name, renamed in place: Enter or leaving the field keeps it, Escape does not. */
function ClassName({ name, index, onRename }: { name: string; index: number; onRename: (name: string) => void }) {
  const [editing, setEditing] = useState<string | null>(null);
  if (editing === null) {
    return (
      <span className="class-name">
        <span>{name}</span>
        <button type="button" className="link rename" data-testid={`rename-class-${index}`} title={`Rename “${name}”`} aria-label={`Rename class ${name}`} onClick={() => setEditing(name)}>
          Rename
        </button>
      </span>
    );
  }
  const commit = () => {
    const next = editing.trim();
    setEditing(null);
    if (next && next !== name) onRename(next);
  };
  return (
    <input
      className="class-name-input"
      data-testid="class-name-input"
      aria-label={`New name for ${name}`}
      value={editing}
      maxLength={100}
      autoFocus
      onChange={(e) => setEditing(e.target.value)}
      onBlur={commit}
      onKeyDown={(e) => {
        if (e.key === 'Enter') commit();
        if (e.key === 'Escape') setEditing(null);
      }}
    />
  );
}

function ClassTable({ dataset, options }: { dataset: DatasetView; options: DataOptions }) {
  const setDataOptions = useStudio((s) => s.setDataOptions);
  const classes = dataset.classes ?? [];
  // Renames are keyed by the source's own names: row k is source class options.classes[k] (or k).
  const sourceOf = (k: number) => dataset.sourceClasses?.[options.classes?.[k] ?? k] ?? classes[k];
  const rename = (k: number, name: string) => void setDataOptions({ ...options, renames: withRename(options.renames, sourceOf(k), name) });
  const max = Math.max(1, ...classes.map((c) => dataset.counts.train[c] ?? 0));
  return (
    <table className="class-table" data-testid="class-table">
      <thead>
        <tr>
          <th scope="col">Class</th>
          {SPLITS.map((s) => (
            <th scope="col" key={s}>
              {s} ({exactCount(dataset.splits[s])})
            </th>
          ))}
          <th scope="col" aria-label="train share" />
        </tr>
      </thead>
      <tbody>
        {classes.map((c, k) => (
          <tr key={c}>
            <th scope="row" title={sourceOf(k) !== c ? `renamed from “${sourceOf(k)}”` : undefined}>
              <ClassName name={c} index={k} onRename={(name) => rename(k, name)} />
            </th>
            {SPLITS.map((s) => (
              <td key={s}>{exactCount(dataset.counts[s][c] ?? 0)}</td>
            ))}
            <td className="bar-cell">
              <span className="bar" style={{ width: `${((dataset.counts.train[c] ?? 0) / max) * 100}%` }} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Options({ dataset, options }: { dataset: DatasetView; options: DataOptions }) {
  const setDataOptions = useStudio((s) => s.setDataOptions);
  const all = dataset.allClasses ?? [];
  const [limit, setLimit] = useState(options.perClassLimit?.toString() ?? '');
  const chosen = new Set(options.classes ?? all.map((_, i) => i));
  const toggle = (i: number) => {
    const next = new Set(chosen);
    if (next.has(i)) next.delete(i);
    else next.add(i);
    const list = [...next].sort((a, b) => a - b);
    void setDataOptions({ ...options, classes: list.length === all.length ? null : list });
  };
  return (
    <fieldset className="data-options">
      <legend>How the data is read</legend>
      {all.length > 0 && (
        <div className="class-picker" role="group" aria-label="Classes to use">
          {all.map((c, i) => (
            <label key={c} className="chip">
              <input type="checkbox" checked={chosen.has(i)} disabled={chosen.has(i) && chosen.size <= 2} onChange={() => toggle(i)} data-testid={`class-${i}`} />
              {c}
            </label>
          ))}
        </div>
      )}
      <div className="row">
        <label className="field">
          <span>Training images per class</span>
          <input
            type="number"
            min={1}
            placeholder="all"
            value={limit}
            data-testid="per-class-limit"
            onChange={(e) => setLimit(e.target.value)}
            onBlur={() => void setDataOptions({ ...options, perClassLimit: limit ? Math.max(1, Number(limit)) : null })}
          />
        </label>
        <label className="field">
          <span>Validation share</span>
          <input type="number" min={0} max={0.9} step={0.05} value={options.valFraction} data-testid="val-fraction" onChange={(e) => void setDataOptions({ ...options, valFraction: Number(e.target.value) })} />
        </label>
        <label className="field">
          <span>Seed</span>
          <input type="number" min={0} value={options.seed} onChange={(e) => void setDataOptions({ ...options, seed: Math.max(0, Math.floor(Number(e.target.value) || 0)) })} />
        </label>
      </div>
      <p className="muted">
        Validation images are set aside from the training images (the same share of every class, chosen with the seed) unless the dataset brings its own
        split; test images come from a <code>test/</code> folder or IDX <code>t10k</code> files when there are any.
      </p>
    </fieldset>
  );
}

/** What the engine is doing for the dataset being opened, with its counts once they come. */
function DatasetWait({ name, progress, before }: { name: string; progress: DatasetProgress | null; before?: string }) {
  return (
    <WaitLine testId="dataset-wait" done={progress?.done} total={progress?.total}>
      {progress ? datasetProgressWords(progress, name) : `Opening ${name}…`}
      {before && <span className="muted"> · {before}</span>}
    </WaitLine>
  );
}

export function DatasetDetails() {
  const dataset = useStudio((s) => s.dataset);
  const data = useStudio((s) => s.data);
  const samples = useStudio((s) => s.samples);
  const loading = useStudio((s) => s.dataLoading);
  const wait = useStudio((s) => s.dataWait);
  const initial = useStudio((s) => s.appInfo?.initialData ?? null);
  const setDataOptions = useStudio((s) => s.setDataOptions);
  if (!data) return <p className="muted empty-note">No dataset yet. Drop a folder of class folders, a CSV file or IDX files above, or pick the bundled sample.</p>;
  const opening = loading && wait !== null && !wait.samples;
  if (!dataset || (opening && dataset.path !== data.path)) {
    if (!loading) return <p className="muted" data-testid="dataset-wait">{`${data.path} could not be opened.`}</p>;
    // Another dataset is opening: the previous one's table would pass for it, so only its name
    // stays, as what is still in use should this one fail.
    return (
      <div className="dataset-details" data-testid="dataset-opening">
        <DatasetWait name={datasetName(data.path)} progress={wait?.progress ?? null} />
        {dataset && (
          <p className="muted" data-testid="dataset-previous">
            Until it opens, {datasetName(dataset.path)} stays in use.
          </p>
        )}
      </div>
    );
  }
  return (
    <div className="dataset-details" data-testid="dataset-details" aria-busy={opening}>
      {opening && <DatasetWait name={datasetName(data.path)} progress={wait?.progress ?? null} before="read again with the new settings; what follows is from before" />}
      {loading && !opening && wait?.progress && <DatasetWait name={datasetName(data.path)} progress={wait.progress} />}
      {!loading && isInitialSample(data, initial) && initial && (
        <p className="guide-note" data-testid="sample-data-note">
          This is the sample data ({initial.label}), already loaded for you: the Train tab can start a run now. To use your own images, drop a folder of class folders above.
        </p>
      )}
      <h2>
        {datasetName(dataset.path)} <span className="muted">({dataset.kind}, {dataset.task})</span>
      </h2>
      <p className="muted" data-testid="dataset-summary">
        {dataset.classes ? `${dataset.classes.length} classes · ` : ''}
        {exactCount(dataset.splits.train)} train · {exactCount(dataset.splits.val)} validation · {exactCount(dataset.splits.test)} test · input {dataset.inputShape.join('×')}
        {' · '}normalised with mean {dataset.normalisation.mean.map((m) => m.toFixed(3)).join(', ')}, std {dataset.normalisation.std.map((m) => m.toFixed(3)).join(', ')}
      </p>
      {dataset.kind !== 'generated' && dataset.splits.train > 0 && validationBlocker(dataset.splits) && (
        // The Train tab's guard says the same; here it is seen where the share is set.
        <p className="warning" data-testid="dataset-no-validation">
          {validationBlocker(dataset.splits)}{' '}
          {data.options.valFraction < FIX_VALIDATION_SHARE && (
            <button type="button" data-testid="dataset-hold-out" onClick={() => void setDataOptions({ ...data.options, valFraction: FIX_VALIDATION_SHARE })}>
              Hold out {FIX_VALIDATION_SHARE * 100}% for validation
            </button>
          )}
        </p>
      )}
      {dataset.warnings.map((w) => (
        <p key={w} className="warning" data-testid="dataset-warning">
          {w}
        </p>
      ))}
      {dataset.kind !== 'generated' && <Options key={dataset.path} dataset={dataset} options={data.options} />}
      {dataset.classes && <ClassTable dataset={dataset} options={data.options} />}
      {dataset.classes && (
        <p className="muted" data-testid="rename-note">
          {data.options.renames ? `${Object.keys(data.options.renames).length} class${Object.keys(data.options.renames).length === 1 ? '' : 'es'} renamed. ` : ''}
          New names apply to runs started after the change: their charts, confusion matrix, Try panel and exported model carry them.
        </p>
      )}
      {dataset.skipped.length > 0 && (
        <details className="skipped" data-testid="skipped">
          <summary>
            {exactCount(dataset.skipped.length)} file{dataset.skipped.length === 1 ? '' : 's'} left out
          </summary>
          <ul>
            {dataset.skipped.map((s) => (
              <li key={s.id}>
                <code>{s.id.startsWith(`${dataset.path}/`) ? s.id.slice(dataset.path.length + 1) : s.id}</code>: {s.reason}
              </li>
            ))}
          </ul>
        </details>
      )}
      {samples.length > 0 && (
        <section aria-label="Samples">
          <h3>What the network sees</h3>
          <p className="muted">
            {dataset.images
              ? 'Training samples after resizing, colour conversion and normalisation (drawn back de-normalised), next to the stored image where there is one.'
              : 'Training samples as the network receives them: shape and statistics of each input.'}
          </p>
          <div className="sample-grid" data-testid="sample-grid">
            {samples.map((s) => (
              <figure key={`${s.split}-${s.index}`} className="sample" title={`${s.id}\n${s.inputSummary}`}>
                <div className="sample-images">
                  {s.original && <img src={s.original} alt={`stored image of ${s.id}`} />}
                  {s.input ? <img src={s.input} alt={`network input of ${s.id}`} className="pixelated" /> : <code className="tabular">{s.inputSummary}</code>}
                </div>
                <figcaption>{s.className ?? (s.label !== null ? `label ${s.label}` : '')}</figcaption>
              </figure>
            ))}
          </div>
        </section>
      )}
    </div>
  );
}

export function DataTab() {
  return (
    <div className="data-tab scroll-pane">
      <DataSource />
      <DatasetDetails />
    </div>
  );
}
