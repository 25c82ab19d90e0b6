// Converters (paddle2onnx, some tf2onnx and Caffe2 files) store weights as Constant nodes
// instead of initializers. Lifted to initializers when a model is opened, they are counted,
// shown per block, trained and exported like any other weight. Only Constants the parameter
// rules would count as weights move (a Conv's kernel, a Linear's bias, a BN scale, and batch
// norm's running statistics with them), so shape arithmetic and formula constants (GELU's
// 0.5) stay nodes and other files stay byte-equal.
import { create } from '@bufbuild/protobuf';
import { getFloats, getTensor } from '../ir/attributes.js';
import type { Graph, Node, Value } from '../ir/graph.js';
import { graphFromModel, modelWithGraph } from '../ir/proto.js';
import { DataType, isFloatType } from '../onnx/dtype.js';
import { type ModelProto, type TensorProto, TensorProtoSchema } from '../onnx/gen/onnx_pb.js';
import { isExternal } from '../onnx/tensor.js';
import { nodeWeights } from './params.js';

/** The float tensor a Constant node holds (`value`, or `value_floats`), named `name`. */
function constantTensor(node: Node, name: string): TensorProto | null {
  if (node.opType !== 'Constant' || (node.domain !== '' && node.domain !== 'ai.onnx')) return null;
  const t = getTensor(node, 'value');
  if (t) return isFloatType(t.dataType) && !isExternal(t) ? (Object.assign(Object.create(Object.getPrototypeOf(t)), t, { name }) as TensorProto) : null;
  const floats = getFloats(node, 'value_floats');
  if (!floats) return null;
  return create(TensorProtoSchema, { name, dataType: DataType.FLOAT, dims: [BigInt(floats.length)], floatData: floats });
}

/**
 * A constant torch.onnx wrote for a formula, named after its node ("/gn/Constant_1_output_0":
 * GroupNorm's ones and zeros for InstanceNormalization), not a stored tensor with a name of
 * its own ("conv2d_12.w_0").
 */
function exporterConstant(node: Node, out: Value): boolean {
  return (node.name !== '' && out.name.startsWith(`${node.name}_output_`)) || out.name.startsWith('onnx::');
}

/**
 * Turns every Constant node that holds a weight into an initializer of the same name, in
 * place. Returns the lifted names, in graph order.
 */
export function liftConstantWeights(graph: Graph): string[] {
  const held = new Map<Value, TensorProto>();
  for (const n of graph.nodes) {
    const out = n.output(0);
    const t = out && out.implicitUses.size === 0 && !out.isGraphOutput && !exporterConstant(n, out) ? constantTensor(n, out.name) : null;
    if (t && out) held.set(out, t);
  }
  if (held.size === 0) return [];
  const isWeight = (v: Value) => held.get(v) ?? (v.initializer && isFloatType(v.initializer.dataType) ? v.initializer : null);
  const lifted = new Set<Value>();
  for (const n of graph.nodes) {
    for (const w of nodeWeights(n, isWeight)) if (held.has(w)) lifted.add(w);
    // Batch norm's running statistics are state, not parameters, but they travel with the
    // weights (a batch-statistics run updates them and export writes them back).
    if (n.opType === 'BatchNormalization') for (const v of n.inputs.slice(3, 5)) if (v && held.has(v)) lifted.add(v);
  }

  const names: string[] = [];
  for (const n of [...graph.nodes]) {
    const out = n.output(0);
    if (!out || !lifted.has(out)) continue;
    const name = out.name;
    graph.renameValue(out, graph.uniqueName(`${name}/constant`));
    const init = graph.addInitializer(name, held.get(out)!);
    graph.replaceAllUsesWith(out, init);
    graph.removeNode(n);
    names.push(name);
  }
  return names;
}

/** `model` with its Constant-node weights lifted; the very same object when there are none. */
export function withConstantWeightsLifted(model: ModelProto, label = 'model'): { model: ModelProto; lifted: string[] } {
  const graph = graphFromModel(model, label);
  const lifted = liftConstantWeights(graph);
  return { model: lifted.length > 0 ? modelWithGraph(model, graph) : model, lifted };
}
