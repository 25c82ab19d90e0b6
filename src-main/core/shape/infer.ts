// Shape inference over the IR: one pass in topological order, one rule per op type (see
// rules/), with small integer tensors tracked as known values so that shapes computed at run
// time (Shape -> Gather -> Concat -> Reshape) resolve before running anything.
import type { Graph, Node, TensorType, Value } from '../ir/graph.js';
import { typeFromProto } from '../ir/proto.js';
import type { ModelProto } from '../onnx/gen/onnx_pb.js';
import { type KnownValue, RuleContext, Unresolvable } from './context.js';
import { SHAPE_RULES } from './rules/index.js';
import { GraftError } from '../errors.js';

export interface ShapeInferenceResult {
  unresolved: { nodeId: string; opType: string; reason: string }[];
  /** Small integer tensors whose values inference worked out (shapes computed from constants). */
  known: ReadonlyMap<Value, KnownValue>;
}

/** The newest opset the rules know; used when the caller does not say. */
export const LATEST_OPSET = 21;

/** The default-domain opset a model imports. */
export function modelOpset(model: ModelProto): number {
  const imp = model.opsetImport.find((o) => o.domain === '' || o.domain === 'ai.onnx');
  return imp ? Number(imp.version) : LATEST_OPSET;
}

/** Nodes with producers first (Kahn), nodes caught in a cycle last in file order. */
function topologicalOrder(graph: Graph): Node[] {
  const pending = new Map<Node, number>();
  const consumers = new Map<Node, Node[]>();
  for (const n of graph.nodes) {
    let deps = 0;
    const seen = new Set<Node>();
    for (const v of [...n.inputs, ...n.implicitInputs]) {
      const p = v?.producer;
      if (!p || p === n || seen.has(p)) continue;
      seen.add(p);
      deps++;
      const list = consumers.get(p);
      if (list) list.push(n);
      else consumers.set(p, [n]);
    }
    pending.set(n, deps);
  }
  const order = graph.nodes.filter((n) => pending.get(n) === 0);
  for (let i = 0; i < order.length; i++) {
    for (const c of consumers.get(order[i]) ?? []) {
      const left = pending.get(c)! - 1;
      pending.set(c, left);
      if (left === 0) order.push(c);
    }
  }
  if (order.length < graph.nodes.length) order.push(...graph.nodes.filter((n) => pending.get(n)! > 0));
  return order;
}

/** The type the file declared for a value (graph output or value_info), if any. */
function declaredType(v: Value): TensorType | null {
  return v.info ? typeFromProto(v.info.type) : null;
}

/** Inferred wins when it is complete; otherwise the declaration fills what inference left open. */
function merge(inferred: TensorType | undefined, declared: TensorType | null): TensorType | null {
  if (!inferred) return declared;
  if (!declared) return inferred;
  const elemType = inferred.elemType || declared.elemType;
  const s = inferred.shape;
  if (s && s.every((d) => d !== null)) return { elemType, shape: s };
  if (!s || !declared.shape || declared.shape.length !== s.length) return { elemType, shape: declared.shape ?? s };
  return { elemType, shape: s.map((d, i) => d ?? declared.shape![i]) };
}

/**
 * Fills Value.type for every node output it can, in topological order, with symbolic dims.
 * Never throws on an unknown op: records it in `unresolved` and leaves its outputs' types
 * null (or as declared in the file). Throws GraftError('shape-mismatch') naming the node when
 * its inputs are inconsistent. Types from an earlier run are replaced, not trusted.
 */
export function inferShapes(graph: Graph, opts: { opset?: number } = {}): ShapeInferenceResult {
  const opset = opts.opset ?? LATEST_OPSET;
  const known = new Map<Value, KnownValue>();
  const unresolved: ShapeInferenceResult['unresolved'] = [];
  const giveUp = (node: Node, reason: string) => unresolved.push({ nodeId: node.id, opType: node.opType, reason });

  for (const node of topologicalOrder(graph)) {
    const defaultDomain = node.domain === '' || node.domain === 'ai.onnx';
    const rule = defaultDomain ? SHAPE_RULES.get(node.opType) : undefined;
    let results: (TensorType | undefined)[] = [];
    if (!rule) {
      giveUp(node, `no shape rule for ${defaultDomain ? '' : `${node.domain}::`}${node.opType}`);
    } else {
      const ctx = new RuleContext(node, opset, known);
      try {
        rule(ctx);
        results = ctx.results;
        const missing = node.outputs.findIndex((v, i) => v && !results[i]);
        if (missing >= 0) giveUp(node, `the rule gives no type for output ${missing}`);
      } catch (e) {
        // Dims from a damaged file (2^40, negative) make arrays no engine can allocate.
        if (e instanceof RangeError) throw new GraftError('shape-absurd', `node "${node.id}" (${node.opType}): a size in its shapes is out of range (${e.message})`);
        if (!(e instanceof Unresolvable)) throw e;
        giveUp(node, e.reason);
      }
    }
    node.outputs.forEach((v, i) => {
      if (v) v.type = merge(results[i], declaredType(v));
    });
  }
  return { unresolved, known };
}
