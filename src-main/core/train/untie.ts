// Exporters merge identical initializers and hand each user its own name through an
// Identity node. Trained, those are distinct parameters in the source framework: tying them
// silently would change what training does. Each Identity of an initializer becomes an
// initializer of its own, under the name the Identity gave it.
import { makeTensor, readTensor, tensorDims } from '../onnx/tensor.js';
import { isFloatType } from '../onnx/dtype.js';
import type { Graph } from '../ir/graph.js';

export interface Untied {
  /** The new parameters, named as the Identity outputs were. */
  created: string[];
  /** The shared initializers they were copied from. */
  sources: string[];
}

/** Unties Identity-shared float initializers (all, or those in `trainable`). */
export function untieTrainable(graph: Graph, trainable: 'all' | ReadonlySet<string>): Untied {
  const created: string[] = [];
  const sources = new Set<string>();
  for (const node of [...graph.nodes]) {
    const src = node.inputs[0];
    const out = node.outputs[0];
    if (node.opType !== 'Identity' || !src?.initializer || !out || !isFloatType(src.initializer.dataType)) continue;
    // Read inside a subgraph or returned as an output, the Identity stays (it cannot be rewired).
    if (out.implicitUses.size > 0 || out.isGraphOutput) continue;
    if (trainable !== 'all' && !trainable.has(src.name) && !trainable.has(out.name)) continue;
    const name = out.name;
    graph.renameValue(out, graph.uniqueName(`${name}/tied`));
    const t = src.initializer;
    const copy = graph.addInitializer(name, makeTensor(name, t.dataType, tensorDims(t), readTensor(t)));
    graph.replaceAllUsesWith(out, copy);
    graph.removeNode(node);
    created.push(name);
    sources.add(src.name);
  }
  graph.cleanup();
  return { created, sources: [...sources] };
}
