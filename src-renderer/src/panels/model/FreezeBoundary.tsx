// The network as a strip of its stages (top-level blocks, or the stages nested inside one:
// see stripBlocks), with a handle the user drags along it: everything before the handle is
// frozen, everything after it trains. Arrow keys move it too.
import { useRef, useState } from 'react';
import type { KeyboardEvent, PointerEvent } from 'react';
import type { Edit, SurgeryView } from '../../../../src-main/api/contract.js';
import { compactCount } from '../../format.js';
import { boundaryIndex, freezeState, stripBlocks } from '../../graph/freeze-state.js';
import { useStudio } from '../../state/store.js';
import { dropChangesFreezing, frozenPastHandle } from './freeze-strip.js';

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
  const blocks = stripBlocks(model.root);
  const n = blocks.length;
  if (n < 2) return null;
  const current = boundaryIndex(blocks, surgery);
  const pending = keyTarget && keyTarget.from === surgery ? keyTarget.to : null;
  const shown = drag ?? pending ?? current;
  // Freezing the handle cannot show (a preset or a lock froze inside a stage): said beside the
  // strip, and a drop in place replaces it with the boundary alone.
  const pastHandle = frozenPastHandle(blocks, surgery, current);
  const partlyFrozen = pastHandle.length > 0;
  const pastNames = pastHandle.map((b) => (freezeState(b, surgery) === 'partial' ? `${b.name} (in part)` : b.name)).join(', ');

  const commit = (k: number) => {
    if (!dropChangesFreezing(blocks, surgery, current, k)) return;
    const frozen = blocks.slice(0, k).map((b) => b.path);
    const edits: Edit[] = [{ kind: 'freeze-preset', preset: 'full' }];
    if (frozen.length) edits.push({ kind: 'freeze', blocks: frozen });
    const label = k === 0 ? 'Freeze boundary: nothing frozen' : `Freeze boundary: ${blocks[k - 1].name} and everything before it frozen`;
    void applyEdit(label, edits);
  };

  // Segments are as wide as their names need (so none is cut short); edges[k] is where the
  // boundary after k blocks stands, as a fraction of the strip.
  const weights = blocks.map((b) => b.name.length + 4);
  const total = weights.reduce((a, b) => a + b, 0);
  const edges = weights.reduce((acc, w) => [...acc, acc[acc.length - 1] + w / total], [0]);
  const indexAt = (clientX: number) => {
    const r = strip.current!.getBoundingClientRect();
    const f = (clientX - r.left) / r.width;
    let best = 0;
    for (let k = 1; k <= n; k++) if (Math.abs(edges[k] - f) < Math.abs(edges[best] - f)) best = k;
    return best;
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
            style={{ flexGrow: weights[i] }}
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
          aria-valuetext={`${shown === 0 ? 'nothing frozen before it' : `frozen up to ${blocks[shown - 1].name}`}${partlyFrozen ? `; also frozen after it: ${pastNames}` : ''}`}
          data-testid="freeze-handle"
          style={{ left: `${edges[shown] * 100}%` }}
          onKeyDown={onKeyDown}
        />
      </div>
      <span className="fb-label">→ Trains</span>
      <span className="fb-note" data-testid="fb-note" title={partlyFrozen && drag === null ? `${pastNames}: frozen by a preset, a lock or Freeze picked. Drop the handle anywhere to make it the only freezing.` : undefined}>
        {drag !== null ? `release to freeze ${compactCount(frozenParams)} parameters` : partlyFrozen ? `also frozen: ${pastNames}` : ''}
      </span>
    </div>
  );
}
