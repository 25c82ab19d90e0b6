// What the studio shows of a model: summary, block tree and node-level dataflow, as plain
// data. Built once per opened model; the UI derives its drawing from it.
import type { ModelProto } from '../onnx/gen/onnx_pb.js';
import { dtypeName } from '../onnx/dtype.js';
import type { Graph, Value } from '../ir/graph.js';
import { type NodeDetails, nodeDetails } from './node-details.js';
import { inferShapes, modelOpset } from '../shape/infer.js';
import { type Block, type HeadInfo, type RecurrentInfo, type TensorInfo, buildBlockTree, detectHead, recurrentNodes } from '../blocks/index.js';

export interface ModelSummaryData {
  path: string;
  fileName: string;
  fileBytes: number;
  irVersion: number;
  opsets: Record<string, number>;
  producer: string;
  nodeCount: number;
  totalParams: number;
  inputs: TensorInfo[];
  outputs: TensorInfo[];
  opCounts: Record<string, number>;
  head: HeadInfo | null;
  recurrent: RecurrentInfo[];
}

export interface ModelViewData {
  summary: ModelSummaryData;
  root: Block;
  /** details: geometry and weight statistics for the inspector (absent when there are none). */
  nodes: { id: string; name: string; opType: string; block: string; details?: NodeDetails }[];
  edges: { from: string; to: string; value: string }[];
  /** Nodes whose output shapes could not be inferred, with the reason. */
  unresolvedShapes: { nodeId: string; opType: string; reason: string }[];
}

export interface FileFacts {
  path: string;
  fileName: string;
  fileBytes: number;
}

export function tensorInfo(v: Value): TensorInfo {
  return { name: v.name, dtype: dtypeName(v.type?.elemType ?? 0), shape: v.type?.shape ? [...v.type.shape] : null };
}

export function describeModel(model: ModelProto, graph: Graph, file: FileFacts): ModelViewData {
  const { unresolved } = inferShapes(graph, { opset: modelOpset(model) });
  const tree = buildBlockTree(graph);
  const opCounts: Record<string, number> = {};
  for (const n of graph.nodes) {
    const key = n.domain && n.domain !== 'ai.onnx' ? `${n.domain}.${n.opType}` : n.opType;
    opCounts[key] = (opCounts[key] ?? 0) + 1;
  }
  const opsets: Record<string, number> = {};
  for (const o of model.opsetImport) opsets[o.domain || 'ai.onnx'] = Number(o.version);
  const nodes = graph.nodes.map((n) => {
    const details = nodeDetails(n);
    return { id: n.id, name: n.name, opType: n.opType, block: tree.blockOfNode.get(n.id) ?? '', ...(details ? { details } : {}) };
  });
  const edges: ModelViewData['edges'] = [];
  for (const n of graph.nodes) {
    for (const v of n.outputs) {
      if (!v) continue;
      const seen = new Set<string>();
      for (const u of v.uses) {
        if (seen.has(u.node.id)) continue;
        seen.add(u.node.id);
        edges.push({ from: n.id, to: u.node.id, value: v.name });
      }
    }
  }
  return {
    summary: {
      ...file,
      irVersion: Number(model.irVersion),
      opsets,
      producer: [model.producerName, model.producerVersion].filter(Boolean).join(' '),
      nodeCount: graph.nodes.length,
      // The tree's count includes the parameters inside If/Loop bodies (shown, never trained).
      totalParams: tree.root.params,
      inputs: graph.dataInputs.map(tensorInfo),
      outputs: graph.outputs.map(tensorInfo),
      opCounts,
      head: detectHead(graph, tree),
      recurrent: recurrentNodes(graph, tree),
    },
    root: tree.root,
    nodes,
    edges,
    unresolvedShapes: unresolved,
  };
}
