// Adding one node the way exporters name things: outputs "<node name>_output_0", so a
// surgically edited model reads like the rest of the file.
import { type AttrValue, attrs } from '../ir/builder.js';
import type { Graph, Value } from '../ir/graph.js';

export function addOp(graph: Graph, opType: string, inputs: (Value | null)[], name: string, attributes: Record<string, AttrValue | undefined> = {}): Value {
  const node = graph.addNode({
    opType,
    inputs,
    name,
    attributes: attrs(attributes),
    outputs: name ? [`${name}_output_0`] : undefined,
  });
  return node.outputs[0]!;
}
