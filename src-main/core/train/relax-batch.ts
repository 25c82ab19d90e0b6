// Fixed batch dimensions relaxed to a symbolic batch (issue 13, item 4). PyTorch's default
// export (no dynamic_axes) declares the batch it was traced with, usually 1, and with constant
// folding on it bakes that batch into Reshape targets ([1, -1], [1, 512]). Training then feeds
// other batch sizes, so the plan relaxes the batch first; the exported model keeps it symbolic.
import type { Graph, Node, Value } from '../ir/graph.js';
import { getTensor } from '../ir/attributes.js';
import { DataType } from '../onnx/dtype.js';
import { makeTensor, readInts } from '../onnx/tensor.js';
import { formatShape } from '../shape/context.js';
import { inferShapes } from '../shape/infer.js';

export interface RelaxedBatch {
  /** What happened, for the run's log; empty when the batch was already symbolic. */
  log: string[];
}

/** A symbol for the batch that the graph does not use for anything else. */
function batchSymbol(graph: Graph): string {
  const used = new Set(graph.inputs.flatMap((v) => v.type?.shape ?? []).filter((d) => typeof d === 'string'));
  let name = 'N';
  for (let i = 2; used.has(name); i++) name = `N${i}`;
  return name;
}

/** The integers of a constant Reshape target (initializer or Constant node), or null. */
function constantTarget(v: Value): number[] | null {
  if (v.initializer) return readInts(v.initializer);
  const t = v.producer?.opType === 'Constant' ? getTensor(v.producer, 'value') : undefined;
  return t ? readInts(t) : null;
}

/** Why a Reshape keeps the batch fixed, or null when it carries the symbolic batch through. */
function reshapeProblem(node: Node, batch: number, symbol: string): { target: number[] } | string | null {
  const x = node.inputs[0]?.type?.shape;
  const out = node.outputs[0]?.type?.shape;
  if (!x?.includes(symbol) || !out || out.includes(symbol)) return null;
  const target = node.inputs[1] ? constantTarget(node.inputs[1]) : null;
  const where = `Reshape "${node.id}" (${formatShape(x)} to ${target ? `[${target.join(', ')}]` : 'a computed shape'})`;
  if (!target) return `${where} loses the batch`;
  if (x[0] !== symbol || target[0] !== batch || node.attr('allowzero')?.i) {
    return `${where} bakes the batch into a dimension other than the first`;
  }
  // The first dim copied from the input (0) is the batch, the rest as before: equivalent.
  return { target: [0, ...target.slice(1)] };
}

/**
 * Makes a fixed batch symbolic in `graph`: the first data input's first dim, the outputs'
 * declared first dims, and Reshape targets that wrote the batch as a constant (their first
 * entry becomes 0, "copy the input's batch"). When something else pins the batch, nothing is
 * changed and the log says why; training then runs at the fixed batch only.
 */
export function relaxFixedBatch(graph: Graph, opset: number): RelaxedBatch {
  const input = graph.dataInputs[0];
  const shape = input?.type?.shape;
  const batch = shape?.[0];
  if (!input || !shape || typeof batch !== 'number') return { log: [] };
  const symbol = batchSymbol(graph);
  const declaredInput = input.type!;
  input.type = { ...declaredInput, shape: [symbol, ...shape.slice(1)] };
  const rewritten: string[] = [];
  const restore = (why: string): RelaxedBatch => {
    input.type = declaredInput;
    inferShapes(graph, { opset });
    return { log: [`the batch stays fixed at ${batch}: ${why}`] };
  };
  // Each rewrite lets the symbol reach further, so infer again until no Reshape drops it.
  for (;;) {
    inferShapes(graph, { opset });
    const found = graph.nodes.filter((n) => n.opType === 'Reshape').map((n) => [n, reshapeProblem(n, batch, symbol)] as const);
    const fixes = found.filter(([, p]) => p !== null);
    if (fixes.length === 0) break;
    const [node, problem] = fixes[0];
    if (typeof problem === 'string') return restore(problem);
    const target = graph.addInitializer(graph.uniqueName(`${node.id}_batch_relaxed_shape`), makeTensor('', DataType.INT64, [problem!.target.length], BigInt64Array.from(problem!.target.map(BigInt))));
    graph.setInput(node, 1, target);
    rewritten.push(node.id);
  }
  const lost = graph.outputs.find((v) => v.type?.shape?.[0] !== symbol);
  if (lost) return restore(`output "${lost.name}" has shape ${formatShape(lost.type?.shape ?? null)}, not a batch of ${symbol}`);
  // Declarations written for the traced batch would fill what inference leaves open: drop them.
  for (const v of graph.values.values()) {
    const declared = v.info?.type?.value.case === 'tensorType' ? v.info.type.value.value.shape?.dim[0]?.value : undefined;
    if (v !== input && declared?.case === 'dimValue' && Number(declared.value) === batch) v.info = null;
  }
  const reshapes = rewritten.length > 0 ? `; Reshape targets that wrote the batch as a constant now copy it: ${rewritten.join(', ')}` : '';
  return { log: [`fixed batch ${batch} of input "${input.name}" relaxed to a symbolic batch ${symbol}${reshapes}`] };
}
