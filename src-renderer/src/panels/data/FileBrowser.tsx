// Choosing a file on the engine's machine: folders below the allowed roots (serve mode) or
// anywhere (desktop). For datasets a folder is picked as a whole, or a file (CSV, IDX) on its
// own; for models, a file.
import { useEffect, useState } from 'react';
import type { BrowseResult } from '../../../../src-main/api/contract.js';
import { host } from '../../host.js';
import { formatBytes } from '../../format.js';

export function FileBrowser({
  open,
  onClose,
  onPick,
  folders = true,
  title = 'Choose a dataset',
  fileFilter,
}: {
  open: boolean;
  onClose(): void;
  onPick(path: string): void;
  /** Whether a folder can be the pick (datasets) or only files (models). */
  folders?: boolean;
  title?: string;
  /** Files to list; all when absent. */
  fileFilter?: (name: string) => boolean;
}) {
  const [at, setAt] = useState<string | null>(null);
  const [listing, setListing] = useState<BrowseResult | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    if (!open) return;
    let live = true;
    host.api.browse({ path: at }).then(
      (r) => {
        if (!live) return;
        setListing(r);
        setError(null);
      },
      (e: Error) => live && setError(e.message),
    );
    return () => {
      live = false;
    };
  }, [open, at]);
  if (!open) return null;
  return (
    <div
      className="browser"
      role="dialog"
      aria-label={title}
      data-testid="file-browser"
      onKeyDown={(e) => {
        if (e.key === 'Escape') onClose();
      }}
    >
      <div className="browser-head">
        <strong>{listing?.path || 'Allowed folders'}</strong>
        <span className="group-spacer" />
        {folders && listing?.path && (
          <button type="button" className="primary" onClick={() => onPick(listing.path)}>
            Use this folder
          </button>
        )}
        <button type="button" onClick={onClose}>
          Close
        </button>
      </div>
      {error && <p className="warning">{error}</p>}
      <ul className="browser-list">
        {listing?.parent !== null && listing?.path && (
          <li>
            <button type="button" onClick={() => setAt(listing.parent)}>
              ↑ ..
            </button>
          </li>
        )}
        {listing?.path && listing.parent === null && (
          <li>
            <button type="button" onClick={() => setAt(null)}>
              ↑ allowed folders
            </button>
          </li>
        )}
        {listing?.entries.filter((e) => e.kind === 'dir' || !fileFilter || fileFilter(e.name)).map((e) => (
          <li key={e.path}>
            {e.kind === 'dir' ? (
              <button type="button" onClick={() => setAt(e.path)}>
                <span className="dir-mark" aria-hidden="true" />
                {e.name}/
              </button>
            ) : (
              <button type="button" onClick={() => onPick(e.path)} title="Use this file">
                {e.name} <span className="muted">{e.bytes !== null ? formatBytes(e.bytes) : ''}</span>
              </button>
            )}
          </li>
        ))}
      </ul>
    </div>
  );
}
