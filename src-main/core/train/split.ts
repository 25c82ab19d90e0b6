// The frozen prefix: everything before the first trainable block never changes during
// training, so its output (the frozen frontier) is computed once per sample and cached.
// Feature extraction then costs one forward pass per image for the whole run.
import type { ModelProto } from '../onnx/gen/onnx_pb.js';
import type { Graph, TensorType, Value } from '../ir/graph.js';
import { cloneGraph } from '../ir/clone.js';
import { graphFromModel, modelWithGraph } from '../ir/proto.js';
import { inferShapes, modelOpset } from '../shape/infer.js';

export interface FrontierValue {
  name: string;
  type: TensorType | null;
}

export interface PrefixSplit {
  /** data -> frontier values, an inference model; null when nothing before the trainable part is frozen. */
  prefix: ModelProto | null;
  frontier: FrontierValue[];
  /** The rest of the forward graph, reading the frontier values as its inputs. */
  suffix: ModelProto;
}

function closure(start: Value[], next: (v: Value) => Value[]): Set<Value> {
  const seen = new Set(start);
  const stack = [...start];
  while (stack.length > 0) {
    for (const n of next(stack.pop()!)) {
      if (seen.has(n)) continue;
      seen.add(n);
      stack.push(n);
    }
  }
  return seen;
}

const downstream = (v: Value) => v.uses.flatMap((u) => u.node.outputs.filter((o): o is Value => !!o));

/** Values computed from the data but not from any trainable parameter, read by the trainable part. */
function frontierOf(graph: Graph, trainable: ReadonlySet<string>): Value[] {
  const params = [...graph.values.values()].filter((v) => v.initializer && trainable.has(v.name));
  const dependsOnParams = closure(params, downstream);
  const data = graph.dataInputs;
  const dependsOnData = closure(data, downstream);
  const frontier: Value[] = [];
  for (const v of dependsOnData) {
    if (dependsOnParams.has(v)) continue;
    if (v.uses.some((u) => u.node.outputs.some((o) => o && dependsOnParams.has(o)))) frontier.push(v);
  }
  // Keep a stable order: by producer position, inputs first.
  const order = new Map(graph.nodes.map((n, i) => [n, i]));
  return frontier.sort((a, b) => (a.producer ? order.get(a.producer)! : -1) - (b.producer ? order.get(b.producer)! : -1));
}

export function splitFrozenPrefix(model: ModelProto, trainable: ReadonlySet<string>): PrefixSplit {
  const graph = graphFromModel(model, 'model');
  inferShapes(graph, { opset: modelOpset(model) });
  const split = splitPrefixGraph(graph, trainable);
  return {
    prefix: split.prefix ? modelWithGraph(model, split.prefix) : null,
    frontier: split.frontier,
    suffix: split.suffix === graph && !split.prefix ? model : modelWithGraph(model, split.suffix),
  };
}

export interface PrefixGraphSplit {
  prefix: Graph | null;
  frontier: FrontierValue[];
  /** `graph` itself, cut down to the trainable part when there is a prefix. */
  suffix: Graph;
}

/**
 * Splits a shape-inferred forward graph at the frozen frontier: the prefix is a new graph,
 * and `graph` itself becomes the suffix (pass a clone to keep the forward graph).
 */
export function splitPrefixGraph(graph: Graph, trainable: ReadonlySet<string>): PrefixGraphSplit {
  const frontier = frontierOf(graph, trainable);
  const frontierInfo = frontier.map((v) => ({ name: v.name, type: v.type }));
  if (frontier.every((v) => v.isGraphInput)) return { prefix: null, frontier: frontierInfo, suffix: graph };
  // The cache stores features per sample: each frontier value must keep the batch first (a
  // sequence model's time-major Transpose does not). Otherwise there is nothing to cache.
  const dataInputs = graph.dataInputs;
  const batch = dataInputs[0]?.type?.shape?.[0];
  if (batch === undefined || frontier.some((v) => v.type?.shape?.[0] !== batch)) {
    return { prefix: null, frontier: dataInputs.map((v) => ({ name: v.name, type: v.type })), suffix: graph };
  }

  const prefix = cloneGraph(graph, graph.name);
  prefix.outputs = frontier.map((v) => prefix.value(v.name));
  prefix.cleanup();

  for (const v of frontier) graph.makeInput(v);
  // The original data inputs stay only if the trainable part still reads them directly.
  graph.inputs = graph.inputs.filter((v) => !dataInputs.includes(v) || frontier.includes(v) || v.uses.length > 0);
  graph.cleanup();
  graph.inputs = graph.inputs.filter((v) => v.initializer || frontier.includes(v) || v.uses.length > 0);
  return { prefix, frontier: frontierInfo, suffix: graph };
}
