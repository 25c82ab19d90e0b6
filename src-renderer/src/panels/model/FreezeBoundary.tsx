// The network as a strip of its top-level blocks, with a handle the user drags along it:
// everything before the handle is frozen, everything after it trains. Arrow keys move it too.
import { useRef, useState } from 'react';
import type { KeyboardEvent, PointerEvent } from 'react';
import type { Edit, SurgeryView } from '../../../../src-main/api/contract.js';
import { compactCount } from '../../format.js';
import { boundaryIndex, freezeState } from '../../graph/freeze-state.js';
import { useStudio } from '../../state/store.js';

export function FreezeBoundary() {
  const model = useStudio((s) => s.model);
  const surgery = useStudio((s) => s.surgery);
  const applyEdit = useStudio((s) => s.applyEdit);
  const editing = useStudio((s) => s.editing);
  const strip = useRef<HTMLDivElement>(null);
  const [drag, setDrag] = useState<number | null>(null);
  // Where the last key press sent the handle, until the engine's answer catches up: quick
  // presses then add up instead of each starting from the old position.
  const [keyTarget, setKeyTarget] = useState<{ from: SurgeryView | null; to: number } | null>(null);
  if (!model) return null;
  const blocks = model.root.children;
  const n = blocks.length;
  if (n < 2) return null;
  const current = boundaryIndex(blocks, surgery);
  const pending = keyTarget && keyTarget.from === surgery ? keyTarget.to : null;
  const shown = drag ?? pending ?? current;
  const partlyFrozen = current === 0 && (surgery?.frozenBlocks.length ?? 0) > 0;

  const commit = (k: number) => {
    if (k === current) return;
    const frozen = blocks.slice(0, k).filter((b) => b.params > 0).map((b) => b.path);
    const edits: Edit[] = [{ kind: 'freeze-preset', preset: 'full' }];
    if (frozen.length) edits.push({ kind: 'freeze', blocks: frozen });
    const label = k === 0 ? 'Freeze boundary: nothing frozen' : `Freeze boundary: ${blocks[k - 1].name} and everything before it frozen`;
    void applyEdit(label, edits);
  };

  const indexAt = (clientX: number) => {
    const r = strip.current!.getBoundingClientRect();
    return Math.max(0, Math.min(n, Math.round(((clientX - r.left) / r.width) * n)));
  };
  const onPointerDown = (e: PointerEvent<HTMLDivElement>) => {
    if (editing) return;
    e.currentTarget.setPointerCapture(e.pointerId);
    setDrag(indexAt(e.clientX));
  };
  const onPointerMove = (e: PointerEvent<HTMLDivElement>) => {
    if (drag !== null) setDrag(indexAt(e.clientX));
  };
  const onPointerUp = (e: PointerEvent<HTMLDivElement>) => {
    if (drag === null) return;
    const k = indexAt(e.clientX);
    setDrag(null);
    commit(k);
  };
  const onKeyDown = (e: KeyboardEvent) => {
    const step = { ArrowLeft: -1, ArrowDown: -1, ArrowRight: 1, ArrowUp: 1 }[e.key];
    const from = pending ?? current;
    const to = e.key === 'Home' ? 0 : e.key === 'End' ? n : step !== undefined ? from + step : null;
    if (to === null) return;
    e.preventDefault();
    const k = Math.max(0, Math.min(n, to));
    setKeyTarget({ from: surgery, to: k });
    commit(k);
  };

  const frozenParams = blocks.slice(0, shown).reduce((s, b) => s + b.params, 0);
  return (
    <div className="freeze-boundary" aria-label="Freeze boundary">
      <span className="fb-label">Frozen ←</span>
      <div
        className={`fb-strip${drag !== null ? ' dragging' : ''}`}
        ref={strip}
        data-testid="freeze-strip"
        onPointerDown={onPointerDown}
        onPointerMove={onPointerMove}
        onPointerUp={onPointerUp}
        onPointerCancel={() => setDrag(null)}
      >
        {blocks.map((b, i) => (
          <div
            key={b.path}
            className={`fb-seg state-${drag !== null ? (b.params === 0 ? 'none' : i < shown ? 'frozen' : 'trainable') : freezeState(b, surgery)}`}
            title={`${b.name}: ${compactCount(b.params)} parameters`}
            data-testid={`fb-seg-${b.path}`}
          >
            <span>{b.name}</span>
          </div>
        ))}
        <div
          className="fb-handle"
          role="slider"
          tabIndex={0}
          aria-label="Freeze boundary: blocks before it are frozen"
          aria-valuemin={0}
          aria-valuemax={n}
          aria-valuenow={shown}
          aria-valuetext={shown === 0 ? (partlyFrozen ? `frozen inside: ${surgery!.frozenBlocks.join(', ')}` : 'nothing frozen') : `frozen up to ${blocks[shown - 1].name}`}
          data-testid="freeze-handle"
          style={{ left: `${(shown / n) * 100}%` }}
          onKeyDown={onKeyDown}
        />
      </div>
      <span className="fb-label">→ Trains</span>
      <span className="fb-note" data-testid="fb-note">
        {drag !== null ? `release to freeze ${compactCount(frozenParams)} parameters` : ''}
      </span>
    </div>
  );
}
