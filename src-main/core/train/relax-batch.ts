// Fixed batch dimensions relaxed to a symbolic batch (issue 13, item 4). PyTorch's default
// export (no dynamic_axes) declares the batch it was traced with, usually 1, and with constant
// folding on it bakes that batch into Reshape targets ([1, -1], [1, 512]). Training then feeds
// other batch sizes, so the plan relaxes the batch first; the exported model keeps it symbolic.
import type { Graph, Node, Value } from '../ir/graph.js';
import { getTensor } from '../ir/attributes.js';
import { DataType } from '../onnx/dtype.js';
import { makeTensor, readInts } from '../onnx/tensor.js';
import { formatShape, type KnownValue } from '../shape/context.js';
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

/**
 * The integers of a constant Reshape target: an initializer, a Constant node, or a shape
 * computed from constants (exported without constant folding: Concat of Unsqueezed Constants),
 * as shape inference worked it out. Null when it depends on data.
 */
function constantTarget(v: Value, known: ReadonlyMap<Value, KnownValue>): number[] | null {
  if (v.initializer) return readInts(v.initializer);
  const t = v.producer?.opType === 'Constant' ? getTensor(v.producer, 'value') : undefined;
  if (t) return readInts(t);
  const data = known.get(v)?.data;
  return data?.every((d): d is number => typeof d === 'number') ? data : null;
}

/** Why a Reshape keeps the batch fixed, or null when it carries the symbolic batch through. */
function reshapeProblem(node: Node, batch: number, symbol: string, known: ReadonlyMap<Value, KnownValue>): { target: number[] } | string | null {
  const x = node.inputs[0]?.type?.shape;
  const out = node.outputs[0]?.type?.shape;
  if (!x?.includes(symbol) || !out || out.includes(symbol)) return null;
  const target = node.inputs[1] ? constantTarget(node.inputs[1], known) : null;
  const where = `Reshape "${node.id}" (${formatShape(x)} to ${target ? `[${target.join(', ')}]` : 'a computed shape'})`;
  if (!target) return `${where} loses the batch`;
  if (x[0] !== symbol || target[0] !== batch || node.attr('allowzero')?.i) {
    return `${where} bakes the batch into a dimension other than the first`;
  }
  // The first dim copied from the input (0) is the batch, the rest as before: equivalent.
  return { target: [0, ...target.slice(1)] };
}

/**
 * Makes a fixed batch symbolic in `graph`: the first dim of the data inputs traced with the
 * first one's batch, the outputs' declared first dims, and Reshape targets that wrote the batch
 * as a constant (their first entry becomes 0, "copy the input's batch"). When something else
 * pins the batch, the inputs keep it and the log says why; training then runs at that batch.
 */
export function relaxFixedBatch(graph: Graph, opset: number): RelaxedBatch {
  const input = graph.dataInputs[0];
  const batch = input?.type?.shape?.[0];
  if (!input || typeof batch !== 'number') return { log: [] };
  const symbol = batchSymbol(graph);
  // Every data input traced with the same batch (an image and its mask, ids and attention mask).
  const relaxed = graph.dataInputs.filter((v) => v.type?.shape?.[0] === batch);
  const declared = relaxed.map((v) => v.type!);
  relaxed.forEach((v, i) => (v.type = { ...declared[i], shape: [symbol, ...declared[i].shape!.slice(1)] }));
  // Declarations written for the traced batch would fill what inference leaves open: drop them.
  for (const v of graph.values.values()) {
    const first = v.info?.type?.value.case === 'tensorType' ? v.info.type.value.value.shape?.dim[0]?.value : undefined;
    if (!relaxed.includes(v) && first?.case === 'dimValue' && Number(first.value) === batch) v.info = null;
  }
  const rewritten: string[] = [];
  const restore = (why: string): RelaxedBatch => {
    relaxed.forEach((v, i) => (v.type = declared[i]));
    inferShapes(graph, { opset });
    return { log: [`the batch stays fixed at ${batch}: ${why}`] };
  };
  // Each rewrite lets the symbol reach further, so infer again until no Reshape drops it.
  for (;;) {
    const { known } = inferShapes(graph, { opset });
    const found = graph.nodes.filter((n) => n.opType === 'Reshape').map((n) => [n, reshapeProblem(n, batch, symbol, known)] as const);
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
  const reshapes = rewritten.length > 0 ? `; Reshape targets that wrote the batch as a constant now copy it: ${rewritten.join(', ')}` : '';
  const names = relaxed.map((v) => `"${v.name}"`).join(', ');
  return { log: [`fixed batch ${batch} of input${relaxed.length > 1 ? 's' : ''} ${names} relaxed to a symbolic batch ${symbol}${reshapes}`] };
}
