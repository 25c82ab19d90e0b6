// Fixed batch dimensions relaxed to a symbolic batch (issue 13, item 4). PyTorch's default
// export (no dynamic_axes) declares the batch it was traced with, usually 1, and with constant
// folding on it bakes that batch into Reshape targets ([1, -1], [1, 512]) and into Expand targets
// (a ViT's class token expanded to the traced batch, then concatenated with the patches).
// Training then feeds other batch sizes, so the plan relaxes the batch first; the exported model
// keeps it symbolic.
import type { Graph, Node, Value } from '../ir/graph.js';
import { attr, getInt, getTensor } from '../ir/attributes.js';
import { DataType } from '../onnx/dtype.js';
import { makeTensor, readInts } from '../onnx/tensor.js';
import type { Dim } from '../ir/graph.js';
import { formatShape, type KnownValue, ShapeMismatch } from '../shape/context.js';
import { inferShapes } from '../shape/infer.js';

export interface RelaxedBatch {
  /** What happened, for the run's log; empty when the batch was already symbolic. */
  log: string[];
  /** Nodes whose targets now take the batch from the input (a guess to check when not empty). */
  rewritten: string[];
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

/** The factor multiplying the batch symbol in a dim ("N" 1, "17*N" 17), or null without it. */
function batchFactor(d: Dim, symbol: string): number | null {
  if (d === symbol) return 1;
  const m = typeof d === 'string' ? /^(\d+)\*(.+)$/.exec(d) : null;
  return m && m[2] === symbol ? Number(m[1]) : null;
}

const product = (dims: readonly number[]) => dims.reduce((a, b) => a * b, 1);
function divisors(n: number): number[] {
  const small: number[] = [];
  const large: number[] = [];
  for (let d = 1; d * d <= n; d++) {
    if (n % d !== 0) continue;
    small.push(d);
    if (d * d !== n) large.unshift(n / d);
  }
  return [...small, ...large];
}

/** A rewritten target: -1 where the batch goes; `rank` orders the readings, likeliest first. */
interface ReshapeReading {
  target: number[];
  rank: number;
}

/**
 * Where a Reshape that wrote the traced batch into its target can put a symbolic batch instead.
 * Row-major, the input is [outer P] x batch x [inner Q]; target dim j can hold the batch when
 * the dims before it divide P and those after divide Q, its traced size being
 * (P / before) * batch * (Q / after). Writing -1 there keeps every other dim as traced. With a
 * traced batch of 1 several dims may qualify (MultiheadAttention's view(L, N * heads, d) and
 * view(L * N, E) look alike), so the readings come ranked, the batch as a dim of its own first,
 * then merged with the dims after it, then with those before it; shape inference rejects
 * readings that contradict the rest of the graph.
 */
function reshapeReadings(x: readonly Dim[], target: readonly number[], batch: number, symbol: string, allowzero: boolean): ReshapeReading[] {
  const at = x.findIndex((d) => batchFactor(d, symbol) !== null);
  const factor = batchFactor(x[at], symbol)!;
  const fixed = x.filter((_, i) => i !== at);
  if (!fixed.every((d): d is number => typeof d === 'number')) return [];
  const traced = x.map((d, i) => (i === at ? factor * batch : (d as number)));
  // The target as onnxruntime reads it at the traced batch: 0 copies, -1 takes the rest.
  const dims = target.map((t, i) => (t === 0 && !allowzero ? traced[i] : t));
  const rest = dims.findIndex((t) => t === -1);
  if (rest >= 0) dims[rest] = product(traced) / product(dims.filter((_, i) => i !== rest));
  const readings: ReshapeReading[] = [];
  // A merged batch dim ("17*N") may hold its other factor outside or inside the batch.
  for (const outside of divisors(factor)) {
    const outer = product(traced.slice(0, at) as number[]) * outside;
    const inner = product(traced.slice(at + 1) as number[]) * (factor / outside);
    dims.forEach((t, j) => {
      const before = product(dims.slice(0, j));
      const after = product(dims.slice(j + 1));
      if (outer % before !== 0 || inner % after !== 0 || t !== (outer / before) * batch * (inner / after)) return;
      const target = dims.map((d, i) => (i === j ? -1 : d));
      if (readings.some((r) => r.target.every((d, i) => d === target[i]))) return;
      readings.push({ target, rank: (outer === before ? 0 : 2) + (inner === after ? 0 : 1) });
    });
  }
  return readings.sort((a, b) => a.rank - b.rank);
}

/**
 * Why a Reshape keeps the batch fixed, or null when it carries the symbolic batch through. A
 * constant target either drops the batch or, through its -1, may swallow it into another dim
 * ([1, -1] reads [N, 4] as [1, 4 * N]); either way the ranked readings decide.
 */
function reshapeProblem(node: Node, batch: number, symbol: string, known: ReadonlyMap<Value, KnownValue>): { node: Node; readings: ReshapeReading[] } | string | null {
  const x = node.inputs[0]?.type?.shape;
  const out = node.outputs[0]?.type?.shape;
  const carries = (dims: readonly Dim[]) => dims.some((d) => batchFactor(d, symbol) !== null);
  if (!x || !carries(x) || !out) return null;
  const target = node.inputs[1] ? constantTarget(node.inputs[1], known) : null;
  if (carries(out) && !target?.includes(-1)) return null;
  const where = `Reshape "${node.id}" (${formatShape(x)} to ${target ? `[${target.join(', ')}]` : 'a computed shape'})`;
  if (!target) return `${where} loses the batch`;
  const readings = reshapeReadings(x, target, batch, symbol, Boolean(getInt(node, 'allowzero', 0)));
  // A -1 already where the batch goes (x.view(-1, 16)) needs nothing.
  if (readings[0]?.target.every((d, i) => d === target[i])) return null;
  return readings.length > 0 ? { node, readings } : `${where} folds the batch into its dimensions in a way no single dimension can take`;
}

/**
 * A Concat that joins the symbolic batch with the traced one, along another axis. Torchvision's
 * ViT expands its class token (batch 1) to `x.shape[0]`, which a static trace records as a
 * constant: the Expand must take its batch from the input instead. Null when nothing is joined
 * that way; why not, when the fixed side is not such an Expand.
 */
function concatProblem(node: Node, batch: number, symbol: string): { expand: Node } | string | null {
  const joined = node.inputs.find((v) => v?.type?.shape?.[0] === symbol);
  const pinned = node.inputs.find((v) => v?.type?.shape?.[0] === batch);
  const rank = joined?.type?.shape?.length ?? 0;
  const axis = getInt(node, 'axis', 0);
  if (!joined || !pinned || (axis + rank) % rank === 0) return null;
  const expand = pinned.producer;
  const from = expand?.inputs[0]?.type?.shape;
  const targetLength = expand?.inputs[1]?.type?.shape?.[0];
  if (expand?.opType !== 'Expand' || from?.[0] !== 1 || targetLength !== rank) {
    return `Concat "${node.id}" joins a batch of ${symbol} with "${pinned.name}", fixed at ${batch}`;
  }
  return { expand };
}

/** The Expand's target with its first entry read from the input's batch: [N, target[1:]...]. */
function expandToBatch(graph: Graph, expand: Node, input: Value): void {
  const ints = (name: string, values: bigint[]) => graph.addInitializer(graph.uniqueName(`${expand.id}_${name}`), makeTensor('', DataType.INT64, [values.length], BigInt64Array.from(values)));
  // Inserted before the Expand, from the graph input: every value used exists there already.
  const add = (opType: string, inputs: Value[], attributes = [] as Node['attributes']) => graph.addNode({ opType, inputs, attributes, name: graph.uniqueName(`${expand.id}_batch_${opType}`) }, expand).outputs[0]!;
  const n = add('Slice', [add('Shape', [input]), ints('zero', [0n]), ints('one', [1n])]);
  const rest = add('Slice', [expand.inputs[1]!, ints('one', [1n]), ints('end', [BigInt(Number.MAX_SAFE_INTEGER)])]);
  graph.setInput(expand, 1, add('Concat', [n, rest], [attr('axis', 0)]));
}

/**
 * Whether the graph's shapes agree at a concrete batch other than the traced one. A symbolic
 * batch cannot refute a wrong reading ("32*N" may equal 32 when N is 1); a number can. A
 * mismatch at a Reshape or Concat refutes nothing: those are the ones still to be rewritten.
 */
function consistentAt(graph: Graph, inputs: readonly Value[], probe: number, opset: number): boolean {
  const symbolic = inputs.map((v) => v.type!);
  inputs.forEach((v, i) => (v.type = { ...symbolic[i], shape: [probe, ...symbolic[i].shape!.slice(1)] }));
  try {
    inferShapes(graph, { opset });
    return true;
  } catch (e) {
    if (e instanceof ShapeMismatch) return e.node.opType === 'Reshape' || e.node.opType === 'Concat';
    throw e;
  } finally {
    inputs.forEach((v, i) => (v.type = symbolic[i]));
  }
}

/**
 * Makes a fixed batch symbolic in `graph`: the first dim of the data inputs traced with the
 * first one's batch, the outputs' declared first dims, Reshape targets that wrote the batch as
 * a constant (-1 where the batch goes) and Expand targets that copied it (the batch read from
 * the input). When something else pins the batch, the inputs keep it and the log says why;
 * training then runs at that batch.
 */
export function relaxFixedBatch(graph: Graph, opset: number): RelaxedBatch {
  const input = graph.dataInputs[0];
  const batch = input?.type?.shape?.[0];
  if (!input || typeof batch !== 'number') return { log: [], rewritten: [] };
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
    return { log: [`the batch stays fixed at ${batch}: ${why}`], rewritten: [] };
  };
  // Each rewrite lets the symbol reach further, so infer again until nothing drops it.
  const settled = new Set<Node>();
  for (let inferred = inferShapes(graph, { opset }); ;) {
    const problem = graph.nodes.map((n) => n.opType === 'Reshape' ? (settled.has(n) ? null : reshapeProblem(n, batch, symbol, inferred.known)) : n.opType === 'Concat' ? concatProblem(n, batch, symbol) : null).find((p) => p !== null);
    if (problem === undefined) break;
    if (typeof problem === 'string') return restore(problem);
    if ('expand' in problem) {
      // Rewritten once already and still fixed: shape inference cannot follow the new target.
      if (settled.has(problem.expand)) return restore(`Expand "${problem.expand.id}" keeps the batch fixed even when its target reads the input's batch`);
      settled.add(problem.expand);
      expandToBatch(graph, problem.expand, relaxed[0]);
      rewritten.push(problem.expand.id);
      inferred = inferShapes(graph, { opset });
      continue;
    }
    const { node, readings } = problem;
    const original = node.inputs[1];
    const accepted = readings.map((r) => r.target).find((target) => {
      graph.setInput(node, 1, graph.addInitializer(graph.uniqueName(`${node.id}_batch_relaxed_shape`), makeTensor('', DataType.INT64, [target.length], BigInt64Array.from(target.map(BigInt)))));
      if (consistentAt(graph, relaxed, batch === 7 ? 11 : 7, opset)) return true;
      graph.setInput(node, 1, original);
      return false;
    });
    if (!accepted) return restore(`no place for the batch in Reshape "${node.id}" agrees with the nodes after it`);
    settled.add(node);
    rewritten.push(node.id);
    inferred = inferShapes(graph, { opset });
  }
  if (rewritten.length > 0) graph.cleanup();
  const lost = graph.outputs.find((v) => v.type?.shape?.[0] !== symbol);
  if (lost) return restore(`output "${lost.name}" has shape ${formatShape(lost.type?.shape ?? null)}, not a batch of ${symbol}`);
  const named = rewritten.length > 4 ? `${rewritten.slice(0, 4).join(', ')} and ${rewritten.length - 4} more` : rewritten.join(', ');
  const reshapes = rewritten.length > 0 ? `; targets that wrote the batch as a constant now take it from the input: ${named}` : '';
  const names = relaxed.map((v) => `"${v.name}"`).join(', ');
  return { log: [`fixed batch ${batch} of input${relaxed.length > 1 ? 's' : ''} ${names} relaxed to a symbolic batch ${symbol}${reshapes}`], rewritten };
}
