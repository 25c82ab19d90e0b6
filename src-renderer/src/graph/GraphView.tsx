// The block graph: derives the visible items from the model and the expanded set, lays them
// out (layout.ts) and hands them to React Flow.
import { useCallback, useEffect, useRef, useState } from 'react';
import { Background, Controls, MiniMap, Panel, ReactFlow, ReactFlowProvider, useEdgesState, useNodesState, useReactFlow } from '@xyflow/react';
import type { Edge, NodeMouseHandler, OnSelectionChangeFunc } from '@xyflow/react';
import type { ModelView } from '../../../src-main/api/contract.js';
import { useStudio } from '../state/store.js';
import { blockItemId, visibleGraph } from './blocks.js';
import { reuseEdges, reuseUnchanged, toFlowEdges, toFlowNodes } from './flow-items.js';
import { layoutGraph } from './layout.js';
import { nodeTypes } from './nodes.js';
import { expandedThatFits } from './first-view.js';
import { boundsOf, initialViewport } from './viewport.js';
import type { FlowNode } from './nodes.js';

const MULTI_SELECTION_KEYS = ['Meta', 'Control'];
const miniMapColor = (n: FlowNode) => (n.type === 'op' ? 'var(--line)' : n.data.open ? 'var(--group)' : 'var(--line-2)');

function Canvas() {
  const model = useStudio((s) => s.model);
  const index = useStudio((s) => s.index);
  const expanded = useStudio((s) => s.expanded);
  const select = useStudio((s) => s.select);
  const toggleExpanded = useStudio((s) => s.toggleExpanded);
  const setAllExpanded = useStudio((s) => s.setAllExpanded);
  const replaceExpanded = useStudio((s) => s.replaceExpanded);
  const showError = useStudio((s) => s.showError);
  const setPicked = useStudio((s) => s.setPicked);
  const focus = useStudio((s) => s.focus);
  const focusDone = useStudio((s) => s.focusDone);
  const [nodes, setNodes, onNodesChange] = useNodesState<FlowNode>([]);
  const [edges, setEdges] = useEdgesState<Edge>([]);
  // What the nodes on screen were laid out for; anything else means a layout is running.
  const [laidOutFor, setLaidOutFor] = useState<{ model: ModelView; expanded: ReadonlySet<string> } | null>(null);
  const laying = laidOutFor?.model !== model || laidOutFor?.expanded !== expanded;
  const { setViewport, setCenter, getZoom } = useReactFlow();
  const container = useRef<HTMLDivElement>(null);
  const fittedFor = useRef<ModelView | null>(null);
  const fitRequest = useStudio((s) => s.fitRequest);
  const fittedAt = useRef(fitRequest);

  useEffect(() => {
    if (!model || !index) return;
    let cancelled = false;
    const graph = visibleGraph(model, index, expanded);
    // A model's first view keeps open only what fits legibly (first-view.ts).
    const canvas = container.current;
    const firstView = fittedFor.current !== model && fittedAt.current === fitRequest && canvas && canvas.clientHeight > 0;
    const fitted = firstView ? expandedThatFits(model, index, expanded, canvas.clientWidth, canvas.clientHeight) : Promise.resolve(expanded);
    fitted
      .then((open) => {
        if (open === expanded || cancelled) return layoutGraph(graph);
        replaceExpanded(open);
        cancelled = true; // the effect runs again for the blocks that stay open
        return null;
      })
      .then((boxes) => {
        if (cancelled || !boxes) return;
        const nextNodes = toFlowNodes(graph, boxes, index);
        const nextEdges = toFlowEdges(graph);
        setNodes((prev) => reuseUnchanged(prev, nextNodes));
        setEdges((prev) => reuseEdges(prev, nextEdges));
        if ((fittedFor.current !== model || fittedAt.current !== fitRequest) && container.current) {
          fittedFor.current = model;
          fittedAt.current = fitRequest;
          const topLevel = graph.items.filter((i) => i.parent === null).map((i) => boxes.get(i.id)!);
          const { clientWidth, clientHeight } = container.current;
          void setViewport(initialViewport(boundsOf(topLevel), clientWidth, clientHeight));
        }
      })
      .catch((err: unknown) => {
        if (!cancelled) showError(err, 'Laying out the graph');
      })
      .finally(() => {
        if (!cancelled) setLaidOutFor({ model, expanded });
      });
    return () => {
      cancelled = true;
    };
  }, [model, index, expanded, fitRequest, setNodes, setEdges, setViewport, showError, replaceExpanded]);

  // A searched block: centred once the layout that shows it is on screen.
  useEffect(() => {
    if (!focus || laying) return;
    const node = nodes.find((n) => n.id === blockItemId(focus.path));
    if (!node) return;
    let x = node.position.x;
    let y = node.position.y;
    // Children are positioned inside their parent group.
    for (let p = node.parentId; p; ) {
      const parent = nodes.find((n) => n.id === p);
      if (!parent) break;
      x += parent.position.x;
      y += parent.position.y;
      p = parent.parentId;
    }
    void setCenter(x + (node.width ?? 0) / 2, y + (node.height ?? 0) / 2, { zoom: Math.max(getZoom(), 0.9), duration: 250 });
    focusDone();
  }, [focus, laying, nodes, setCenter, getZoom, focusDone]);

  // Stable handlers: React Flow hands them to every node, and a new function re-renders them all.
  const onNodeClick = useCallback<NodeMouseHandler<FlowNode>>(
    (_e, node) => select(node.type === 'op' ? { type: 'node', id: node.data.node.id } : { type: 'block', path: node.data.block.path }),
    [select],
  );
  const onNodeDoubleClick = useCallback<NodeMouseHandler<FlowNode>>(
    (_e, node) => {
      if (node.type !== 'op' && node.data.expandable) toggleExpanded(node.data.block.path);
    },
    [toggleExpanded],
  );
  const onPaneClick = useCallback(() => select(null), [select]);
  const onSelectionChange = useCallback<OnSelectionChangeFunc<FlowNode>>(
    ({ nodes: picked }) => setPicked(picked.flatMap((n) => (n.type === 'op' ? [] : [n.data.block.path]))),
    [setPicked],
  );

  return (
    <div className="canvas" ref={container} data-testid="graph-canvas" aria-busy={laying}>
      <ReactFlow<FlowNode, Edge>
        nodes={nodes}
        edges={edges}
        nodeTypes={nodeTypes}
        onNodesChange={onNodesChange}
        onNodeClick={onNodeClick}
        onNodeDoubleClick={onNodeDoubleClick}
        onPaneClick={onPaneClick}
        onSelectionChange={onSelectionChange}
        selectionKeyCode="Shift"
        multiSelectionKeyCode={MULTI_SELECTION_KEYS}
        nodesDraggable={false}
        nodesConnectable={false}
        zoomOnDoubleClick={false}
        colorMode="system"
        minZoom={0.05}
        maxZoom={2}
      >
        <Panel position="top-left" className="canvas-tools">
          <button type="button" data-testid="collapse-all" title="Show only the top-level blocks" onClick={() => setAllExpanded(false)}>
            Collapse all
          </button>
          <button type="button" data-testid="expand-all" title="Open every block down to single operators" onClick={() => setAllExpanded(true)}>
            Expand all
          </button>
        </Panel>
        <Background gap={24} size={1} />
        <Controls showInteractive={false} />
        <MiniMap pannable zoomable nodeStrokeWidth={2} nodeColor={miniMapColor} />
      </ReactFlow>
      {laying && <div className="canvas-status">Laying out…</div>}
    </div>
  );
}

export function GraphView() {
  return (
    <ReactFlowProvider>
      <Canvas />
    </ReactFlowProvider>
  );
}
