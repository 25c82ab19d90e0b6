// The block graph: derives the visible items from the model and the expanded set, lays them
// out with ELK and hands them to React Flow.
import { useEffect, useRef, useState } from 'react';
import { Background, Controls, MarkerType, MiniMap, Panel, ReactFlow, ReactFlowProvider, useEdgesState, useNodesState, useReactFlow } from '@xyflow/react';
import type { Edge } from '@xyflow/react';
import type { ModelView } from '../../../src-main/api/contract.js';
import { useStudio } from '../state/store.js';
import { blockItemId, isExpandable, visibleGraph } from './blocks.js';
import type { BlockIndex, VisibleGraph } from './blocks.js';
import { layoutGraph } from './layout.js';
import type { Box } from './layout.js';
import { nodeTypes } from './nodes.js';
import { boundsOf, initialViewport } from './viewport.js';
import type { FlowNode } from './nodes.js';

function toFlowNodes(graph: VisibleGraph, boxes: Map<string, Box>, index: BlockIndex): FlowNode[] {
  const out: FlowNode[] = [];
  for (const item of graph.items) {
    const box = boxes.get(item.id) ?? { x: 0, y: 0, width: 184, height: 64 };
    const common = {
      id: item.id,
      position: { x: box.x, y: box.y },
      width: box.width,
      height: box.height,
      style: { width: box.width, height: box.height },
      ...(item.parent ? { parentId: item.parent, extent: 'parent' as const } : {}),
    };
    if (item.kind === 'op') {
      const node = index.nodes.get(item.nodeId) ?? { id: item.nodeId, name: item.nodeId, opType: '?', block: '' };
      out.push({ ...common, type: 'op', data: { node, alsoReads: graph.hiddenInputs.get(item.id) ?? 0 } });
    } else {
      const data = { block: item.block, expandable: isExpandable(item.block), nodeCount: index.nodeCount.get(item.block.path) ?? 0, alsoReads: graph.hiddenInputs.get(item.id) ?? 0 };
      out.push({ ...common, type: item.kind === 'group' ? 'blockGroup' : 'block', data });
    }
  }
  return out;
}

function toFlowEdges(graph: VisibleGraph): Edge[] {
  return graph.edges.map((e) => ({
    id: e.id,
    source: e.source,
    target: e.target,
    type: 'smoothstep',
    markerEnd: { type: MarkerType.ArrowClosed, width: 16, height: 16 },
    focusable: false,
  }));
}

function Canvas() {
  const model = useStudio((s) => s.model);
  const index = useStudio((s) => s.index);
  const expanded = useStudio((s) => s.expanded);
  const select = useStudio((s) => s.select);
  const toggleExpanded = useStudio((s) => s.toggleExpanded);
  const setAllExpanded = useStudio((s) => s.setAllExpanded);
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
    layoutGraph(graph)
      .then((boxes) => {
        if (cancelled) return;
        setNodes(toFlowNodes(graph, boxes, index));
        setEdges(toFlowEdges(graph));
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
  }, [model, index, expanded, fitRequest, setNodes, setEdges, setViewport, showError]);

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

  return (
    <div className="canvas" ref={container} data-testid="graph-canvas" aria-busy={laying}>
      <ReactFlow<FlowNode, Edge>
        nodes={nodes}
        edges={edges}
        nodeTypes={nodeTypes}
        onNodesChange={onNodesChange}
        onNodeClick={(_e, node) => select(node.type === 'op' ? { type: 'node', id: node.data.node.id } : { type: 'block', path: node.data.block.path })}
        onNodeDoubleClick={(_e, node) => {
          if (node.type !== 'op' && node.data.expandable) toggleExpanded(node.data.block.path);
        }}
        onPaneClick={() => select(null)}
        onSelectionChange={({ nodes: picked }) => setPicked(picked.flatMap((n) => (n.type === 'op' ? [] : [n.data.block.path])))}
        selectionKeyCode="Shift"
        multiSelectionKeyCode={['Meta', 'Control']}
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
        <MiniMap pannable zoomable nodeStrokeWidth={2} nodeColor={(n) => (n.type === 'blockGroup' ? 'var(--group)' : n.type === 'op' ? 'var(--line)' : 'var(--line-2)')} />
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
