// The three kinds of thing on the canvas: a collapsed block (a card), an open block (a group
// framing its children) and a single ONNX node shown inside an open block.
import { memo } from 'react';
import type { MouseEvent } from 'react';
import { Handle, Position } from '@xyflow/react';
import type { Node, NodeProps } from '@xyflow/react';
import type { BlockView, GraphNodeView } from '../../../src-main/api/contract.js';
import { compactCount, outputShapeLabel } from '../format.js';
import { useStudio } from '../state/store.js';
import { type FreezeState, freezeState } from './freeze-state.js';
import { batchNormBlocks, batchNormModeOf, batchNormTitle } from './batchnorm-badge.js';

/**
 * open: drawn as a group framing its children, else as a card. alsoReads: inputs whose edges
 * are not drawn because another path implies them (edge-reduction.ts).
 */
export type BlockNodeData = { block: BlockView; open: boolean; expandable: boolean; nodeCount: number; alsoReads: number };
export type OpNodeData = { node: GraphNodeView; alsoReads: number };
export type BlockFlowNode = Node<BlockNodeData, 'block'>;
export type OpFlowNode = Node<OpNodeData, 'op'>;
export type FlowNode = BlockFlowNode | OpFlowNode;

function useBlockSelected(path: string): boolean {
  return useStudio((s) => s.selection?.type === 'block' && s.selection.path === path);
}

function Chevron({ block, open }: { block: BlockView; open: boolean }) {
  const setExpanded = useStudio((s) => s.setExpanded);
  const onClick = (e: MouseEvent) => {
    e.stopPropagation();
    setExpanded(block.path, !open);
  };
  return (
    <button
      type="button"
      className="chevron nodrag"
      aria-expanded={open}
      aria-label={`${open ? 'Collapse' : 'Expand'} ${block.name}`}
      title={open ? 'Collapse' : 'Expand'}
      data-testid={`toggle-${block.path}`}
      onClick={onClick}
      onDoubleClick={(e) => e.stopPropagation()}
    >
      <svg viewBox="0 0 16 16" width="12" height="12" aria-hidden="true" className={open ? 'open' : ''}>
        <path d="M5 3l6 5-6 5" fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round" strokeLinejoin="round" />
      </svg>
    </button>
  );
}

function useFreezeState(block: BlockView): FreezeState {
  return useStudio((s) => freezeState(block, s.surgery));
}

/** The per-block lock: shows the state at a glance and toggles it. */
function Lock({ block, state }: { block: BlockView; state: FreezeState }) {
  const applyEdit = useStudio((s) => s.applyEdit);
  if (state === 'none') return null;
  const freeze = state !== 'frozen';
  const label = `${freeze ? 'Freeze' : 'Unfreeze'} ${block.name}`;
  const onClick = (e: MouseEvent) => {
    e.stopPropagation();
    void applyEdit(label, [{ kind: freeze ? 'freeze' : 'unfreeze', blocks: [block.path] }]);
  };
  return (
    <button
      type="button"
      className={`lock nodrag lock-${state}`}
      aria-label={label}
      aria-pressed={state === 'frozen'}
      title={`${state === 'frozen' ? 'Frozen' : state === 'partial' ? 'Partly frozen' : 'Trainable'}: click to ${freeze ? 'freeze' : 'unfreeze'}`}
      data-testid={`lock-${block.path}`}
      onClick={onClick}
      onDoubleClick={(e) => e.stopPropagation()}
    >
      <svg viewBox="0 0 16 16" width="12" height="12" aria-hidden="true">
        <rect x="3" y="7" width="10" height="7" rx="1.5" fill="currentColor" />
        <path d={state === 'frozen' ? 'M5 7V5a3 3 0 016 0v2' : 'M5 7V5a3 3 0 015.8-1'} fill="none" stroke="currentColor" strokeWidth="1.6" />
      </svg>
    </button>
  );
}

/** "BN" on a block that holds batch norm, with the statistics it uses in the next run. */
function BatchNormBadge({ block, state }: { block: BlockView; state: FreezeState }) {
  const count = useStudio((s) => (s.model ? (batchNormBlocks(s.model.nodes).get(block.path) ?? 0) : 0));
  const setting = useStudio((s) => s.settings?.batchnorm ?? 'frozen');
  if (count === 0) return null;
  const mode = batchNormModeOf(setting, state);
  return (
    <span className={`bn-badge bn-${mode}`} title={batchNormTitle(count, mode)} data-testid={`bn-${block.path}`} data-mode={mode}>
      BN{mode === 'batch' ? ' batch' : ''}
    </span>
  );
}

/** Says that the item reads more outputs than the drawn edges show (DenseNet's concatenations). */
function AlsoReads({ count }: { count: number }) {
  if (count === 0) return null;
  return (
    <span className="also-reads" title={`Also reads ${count} earlier output${count === 1 ? '' : 's'} directly (edges implied by the drawn path are left out)`}>
      +{count} in
    </span>
  );
}

function Handles() {
  return (
    <>
      <Handle type="target" position={Position.Top} isConnectable={false} />
      <Handle type="source" position={Position.Bottom} isConnectable={false} />
    </>
  );
}

function BlockCard({ data }: { data: BlockNodeData }) {
  const { block, expandable, nodeCount, alsoReads } = data;
  const selected = useBlockSelected(block.path);
  const state = useFreezeState(block);
  const shape = outputShapeLabel(block.outputs);
  return (
    <div className={`block-card kind-${block.kind} state-${state}${selected ? ' selected' : ''}`} data-testid={`block-${block.path}`} data-state={state} title={block.path}>
      <Handles />
      <div className="block-title">
        {expandable && <Chevron block={block} open={false} />}
        <span className="block-name">{block.name}</span>
        <span className="block-kind">{block.kind}</span>
        <BatchNormBadge block={block} state={state} />
        <AlsoReads count={alsoReads} />
        <Lock block={block} state={state} />
      </div>
      <div className="block-meta">
        <span className="block-shape" title="output shape">
          {shape || `${nodeCount} node${nodeCount === 1 ? '' : 's'}`}
        </span>
        <span className="block-params" title="parameters">
          {block.params > 0 ? compactCount(block.params) : '–'}
        </span>
      </div>
    </div>
  );
}

function BlockGroup({ data }: { data: BlockNodeData }) {
  const { block, alsoReads } = data;
  const selected = useBlockSelected(block.path);
  const state = useFreezeState(block);
  const shape = outputShapeLabel(block.outputs);
  return (
    <div className={`block-group kind-${block.kind} state-${state}${selected ? ' selected' : ''}`} data-testid={`block-${block.path}`} data-state={state} title={block.path}>
      <Handles />
      <div className="group-header">
        <Chevron block={block} open={true} />
        <span className="block-name">{block.name}</span>
        <span className="block-kind">{block.kind}</span>
        <AlsoReads count={alsoReads} />
        <span className="group-spacer" />
        {shape && <span className="block-shape">{shape}</span>}
        {block.params > 0 && <span className="block-params">{compactCount(block.params)}</span>}
        <BatchNormBadge block={block} state={state} />
        <Lock block={block} state={state} />
      </div>
    </div>
  );
}

export const OpNode = memo(function OpNode({ data }: NodeProps<OpFlowNode>) {
  const { node } = data;
  const selected = useStudio((s) => s.selection?.type === 'node' && s.selection.id === node.id);
  return (
    <div className={`op-card${selected ? ' selected' : ''}`} data-testid={`node-${node.id}`} title={node.name || node.id}>
      <Handles />
      <span className="op-type">{node.opType}</span>
      <AlsoReads count={data.alsoReads} />
    </div>
  );
});

/**
 * A block, open or not, is one node type: React Flow re-measures a node whose type changes
 * with a forced style and layout pass of the whole canvas, once per node, before the frame.
 */
export const BlockNode = memo(function BlockNode({ data }: NodeProps<BlockFlowNode>) {
  return data.open ? <BlockGroup data={data} /> : <BlockCard data={data} />;
});

// Not 'group': React Flow styles its built-in group type with a frame of its own.
export const nodeTypes = { block: BlockNode, op: OpNode };
