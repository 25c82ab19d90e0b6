// What opening a model does to its weights, once, before anything counts or trains them:
// converters' Constant-node weights become initializers, and weights an exporter merged
// (equal values read through Identity nodes) are untied, each under its own name. PyTorch
// counts and trains those as separate parameters; tied, the studio counted one, and a
// trained copy had no initializer for the export to write it to.
import { liftConstantWeights } from '../blocks/constant-weights.js';
import type { Graph } from '../ir/graph.js';
import { graphFromModel, modelWithGraph } from '../ir/proto.js';
import type { ModelProto } from '../onnx/gen/onnx_pb.js';
import { untieTrainable } from './untie.js';

export interface OpenedWeights {
  /** The same object as given when nothing changed. */
  model: ModelProto;
  /** `model` decoded (the one decode opening needs). */
  graph: Graph;
  /** Constant-node weights now initializers. */
  lifted: string[];
  /** Identity outputs now initializers of their own. */
  untied: string[];
}

export function openWeights(model: ModelProto, label = 'model'): OpenedWeights {
  const graph = graphFromModel(model, label);
  const lifted = liftConstantWeights(graph);
  const { created: untied } = untieTrainable(graph, 'all');
  const changed = lifted.length > 0 || untied.length > 0;
  return { model: changed ? modelWithGraph(model, graph) : model, graph, lifted, untied };
}
