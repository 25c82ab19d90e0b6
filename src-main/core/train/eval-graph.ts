// The forward graph with the trainable parameters as inputs: evaluation runs on the weights
// the training step just produced, without rebuilding a session per epoch.
import type { ModelProto, TensorProto } from '../onnx/gen/onnx_pb.js';
import { tensorDims } from '../onnx/tensor.js';
import type { Graph } from '../ir/graph.js';
import { graphFromModel, modelWithGraph } from '../ir/proto.js';

export interface EvalGraph {
  model: ModelProto;
  dataInputs: string[];
  params: string[];
  prediction: string;
}

export function compileEvalGraph(model: ModelProto, trainable: ReadonlySet<string>): EvalGraph {
  const graph = graphFromModel(model, 'evaluation');
  const names = evalGraphOf(graph, trainable);
  return { model: modelWithGraph(model, graph), ...names };
}

/** Turns `graph` itself into the evaluation graph (pass a clone to keep the forward graph). */
export function evalGraphOf(graph: Graph, trainable: ReadonlySet<string>): Omit<EvalGraph, 'model'> {
  const dataInputs = graph.dataInputs.map((v) => v.name);
  const params: string[] = [];
  for (const name of [...graph.initializerOrder]) {
    const v = graph.values.get(name);
    if (!v?.initializer || !trainable.has(name)) continue;
    const t: TensorProto = v.initializer;
    v.type = { elemType: t.dataType, shape: tensorDims(t) };
    v.initializer = null;
    if (!v.isGraphInput) graph.inputs.push(v);
    params.push(name);
  }
  graph.initializerOrder = graph.initializerOrder.filter((n) => !params.includes(n));
  const prediction = graph.outputs[0].name;
  graph.outputs = [graph.outputs[0]];
  graph.cleanup();
  return { dataInputs, params, prediction };
}
