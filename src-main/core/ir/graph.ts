// The editable graph: values know their producer and their uses, nodes are changed only
// through the verbs below so both sides of every edge stay consistent. Cleanup and
// topological sorting are explicit steps, run after a batch of edits.
import { GraftError } from '../errors.js';
import type { TensorProto } from '../onnx/gen/onnx_pb.js';
import { MinHeap } from './min-heap.js';
import { Node, type NodeInit, Value } from './node.js';

export { type Dim, type NodeInit, type TensorType, type Use, Node, Value } from './node.js';

export class Graph {
  nodes: Node[] = [];
  inputs: Value[] = [];
  outputs: Value[] = [];
  readonly values = new Map<string, Value>();
  readonly nodesById = new Map<string, Node>();
  /** Initializer names in file order, so saving keeps the order. */
  initializerOrder: string[] = [];
  private counter = 0;

  constructor(public name: string) {}

  // ---- lookup -----------------------------------------------------------------------------

  value(name: string): Value {
    const v = this.values.get(name);
    if (!v) throw new GraftError('ir-no-value', `graph "${this.name}" has no value named "${name}"`);
    return v;
  }

  node(id: string): Node {
    const n = this.nodesById.get(id);
    if (!n) throw new GraftError('ir-no-node', `graph "${this.name}" has no node "${id}"`);
    return n;
  }

  /** The inputs a caller feeds: initializers listed as inputs (IR < 4) are parameters, not inputs. */
  get dataInputs(): Value[] {
    return this.inputs.filter((v) => !v.initializer);
  }

  initializers(): Value[] {
    return this.initializerOrder.map((n) => this.values.get(n)).filter((v): v is Value => !!v && !!v.initializer);
  }

  /** A name not yet used by any value or node, derived from `base`. */
  uniqueName(base: string): string {
    let name = base;
    while (this.values.has(name) || this.nodesById.has(name)) name = `${base}_${++this.counter}`;
    return name;
  }

  // ---- creation ---------------------------------------------------------------------------

  /** Declares a value that no node produces yet (a graph input, or a loader's forward reference). */
  createValue(name: string): Value {
    if (this.values.has(name)) throw new GraftError('ir-duplicate', `graph "${this.name}": value "${name}" is defined twice`);
    const v = new Value(this, name);
    this.values.set(name, v);
    return v;
  }

  addInitializer(name: string, tensor: TensorProto): Value {
    const v = this.createValue(name);
    v.initializer = tensor;
    v.type = { elemType: tensor.dataType, shape: tensor.dims.map(Number) };
    this.initializerOrder.push(name);
    return v;
  }

  /** Adds a node at the end (or before `before`); its outputs are new values. */
  addNode(init: NodeInit, before?: Node): Node {
    const base = init.name || `${init.opType}_${this.nodes.length}`;
    const id = this.uniqueName(base);
    const node = new Node(this, id, init.name ?? '', init.opType, init.domain ?? '', init.attributes ?? []);
    this.nodesById.set(id, node);
    node.inputs = [];
    init.inputs.forEach((v, i) => this.attachInput(node, i, v));
    const outs = typeof init.outputs === 'number' || init.outputs === undefined
      ? Array.from({ length: (init.outputs as number | undefined) ?? 1 }, (_, i) => `${id}_out${i}`)
      : init.outputs;
    node.outputs = outs.map((n) => {
      const v = this.createValue(this.uniqueName(n));
      v.producer = node;
      return v;
    });
    const at = before ? this.nodes.indexOf(before) : -1;
    if (at >= 0) this.nodes.splice(at, 0, node);
    else this.nodes.push(node);
    return node;
  }

  /** Registers a node as loaded from a file (ids and value names as given). */
  adoptNode(node: Node): void {
    if (this.nodesById.has(node.id)) throw new GraftError('ir-duplicate', `graph "${this.name}": node id "${node.id}" is used twice`);
    this.nodesById.set(node.id, node);
    this.nodes.push(node);
  }

  // ---- edit verbs -------------------------------------------------------------------------

  private attachInput(node: Node, index: number, v: Value | null): void {
    node.inputs[index] = v;
    if (v) v.uses.push({ node, index });
  }

  private detachInput(node: Node, index: number): void {
    const old = node.inputs[index];
    if (!old) return;
    const at = old.uses.findIndex((u) => u.node === node && u.index === index);
    if (at >= 0) old.uses.splice(at, 1);
    node.inputs[index] = null;
  }

  /** Points input `index` of `node` at `v` (null leaves an optional input empty). */
  setInput(node: Node, index: number, v: Value | null): void {
    this.detachInput(node, index);
    this.attachInput(node, index, v);
    node.dirty = true;
  }

  /** Every consumer of `from` (and the graph outputs) reads `to` instead. */
  replaceAllUsesWith(from: Value, to: Value): void {
    if (from === to) return;
    for (const { node, index } of [...from.uses]) this.setInput(node, index, to);
    for (const node of from.implicitUses) {
      throw new GraftError('ir-implicit-use', `value "${from.name}" is read inside a subgraph of node "${node.id}"; it cannot be rewired`);
    }
    this.outputs = this.outputs.map((o) => (o === from ? to : o));
  }

  /** Gives a value a new (unused) name; its producer and readers are saved with it. */
  renameValue(v: Value, name: string): void {
    if (v.name === name) return;
    if (this.values.has(name)) throw new GraftError('ir-duplicate', `graph "${this.name}": value "${name}" already exists`);
    if (v.initializer) {
      this.initializerOrder = this.initializerOrder.map((n) => (n === v.name ? name : n));
    }
    this.values.delete(v.name);
    v.name = name;
    this.values.set(name, v);
    if (v.producer) v.producer.dirty = true;
    for (const u of v.uses) u.node.dirty = true;
  }

  /**
   * Cuts `v` from its producer and makes it a graph input: everything upstream that nothing
   * else needs goes away at the next cleanup (the frozen prefix of a training step).
   */
  makeInput(v: Value): void {
    const p = v.producer;
    if (p) {
      p.outputs[p.outputs.indexOf(v)] = null;
      p.dirty = true;
      v.producer = null;
    }
    if (!this.inputs.includes(v)) this.inputs.push(v);
  }

  /** Removes a node whose outputs nobody reads any more. */
  removeNode(node: Node): void {
    for (const out of node.outputs) {
      if (out && out.isUsed) {
        throw new GraftError('ir-in-use', `cannot remove node "${node.id}": its output "${out.name}" is still used`);
      }
    }
    node.inputs.forEach((_, i) => this.detachInput(node, i));
    for (const v of node.implicitInputs) v.implicitUses.delete(node);
    for (const out of node.outputs) if (out) this.values.delete(out.name);
    this.nodes.splice(this.nodes.indexOf(node), 1);
    this.nodesById.delete(node.id);
  }

  /**
   * Replaces `node` by whatever `build` adds: `build` receives the node's inputs and returns
   * one value per output of the old node (null for outputs nobody may use).
   */
  replaceNode(node: Node, build: (inputs: (Value | null)[]) => (Value | null)[]): void {
    const outs = build(node.inputs);
    node.outputs.forEach((old, i) => {
      if (!old || !old.isUsed) return;
      const rep = outs[i];
      if (!rep) throw new GraftError('ir-replace', `replacing node "${node.id}": its output "${old.name}" is used but has no replacement`);
      this.replaceAllUsesWith(old, rep);
    });
    this.removeNode(node);
  }

  /**
   * Inserts a node on the edge leaving `v`: `build(v)` returns the value that the old
   * consumers of `v` (all, or only `consumers`) read from now on.
   */
  insertOnEdge(v: Value, build: (v: Value) => Value, consumers?: Node[]): Value {
    const uses = v.uses.filter((u) => !consumers || consumers.includes(u.node));
    const wasOutput = v.isGraphOutput && !consumers;
    const rep = build(v);
    for (const { node, index } of uses) this.setInput(node, index, rep);
    if (wasOutput) this.outputs = this.outputs.map((o) => (o === v ? rep : o));
    return rep;
  }

  // ---- whole-graph steps ------------------------------------------------------------------

  /** Drops nodes whose results reach no graph output, then unused initializers. */
  cleanup(): void {
    const live = new Set<Node>();
    const stack: Value[] = [...this.outputs];
    const seen = new Set<Value>();
    while (stack.length > 0) {
      const v = stack.pop()!;
      if (seen.has(v)) continue;
      seen.add(v);
      const p = v.producer;
      if (p && !live.has(p)) {
        live.add(p);
        for (const i of p.inputs) if (i) stack.push(i);
        for (const i of p.implicitInputs) stack.push(i);
      }
    }
    for (let i = this.nodes.length - 1; i >= 0; i--) {
      const n = this.nodes[i];
      if (live.has(n)) continue;
      // Dead outputs may still be read by other dead nodes: detach those first.
      for (const out of n.outputs) {
        if (!out) continue;
        for (const u of [...out.uses]) this.setInput(u.node, u.index, null);
        for (const user of out.implicitUses) user.implicitInputs = user.implicitInputs.filter((x) => x !== out);
        out.implicitUses.clear();
      }
      this.removeNode(n);
    }
    const inputs = new Set(this.inputs);
    const outputs = new Set(this.outputs);
    for (const name of this.initializerOrder) {
      const v = this.values.get(name);
      if (v && v.uses.length === 0 && v.implicitUses.size === 0 && !outputs.has(v) && !inputs.has(v)) this.values.delete(name);
    }
    this.initializerOrder = this.initializerOrder.filter((n) => this.values.has(n));
  }

  /** Orders nodes so producers come before consumers, keeping file order where it is free. */
  topologicalSort(): void {
    const pending = new Map<Node, number>();
    const order = new Map<Node, number>();
    this.nodes.forEach((n, i) => order.set(n, i));
    const consumers = new Map<Node, Node[]>();
    for (const n of this.nodes) {
      const deps = new Set<Node>();
      for (const v of [...n.inputs, ...n.implicitInputs]) if (v?.producer && v.producer !== n) deps.add(v.producer);
      pending.set(n, deps.size);
      for (const d of deps) {
        const list = consumers.get(d) ?? [];
        list.push(n);
        consumers.set(d, list);
      }
    }
    // Ready nodes leave in file order (a min-heap on it), so an already sorted graph is unchanged.
    const ready = new MinHeap<Node>((a, b) => order.get(a)! - order.get(b)!);
    for (const n of this.nodes) if (pending.get(n) === 0) ready.push(n);
    const sorted: Node[] = [];
    while (ready.size > 0) {
      const n = ready.pop();
      sorted.push(n);
      for (const c of consumers.get(n) ?? []) {
        const left = pending.get(c)! - 1;
        pending.set(c, left);
        if (left === 0) ready.push(c);
      }
    }
    if (sorted.length !== this.nodes.length) {
      const stuck = this.nodes.filter((n) => pending.get(n)! > 0).slice(0, 3).map((n) => `"${n.id}"`);
      throw new GraftError('ir-cycle', `graph "${this.name}" has a cycle through ${stuck.join(', ')}`);
    }
    this.nodes = sorted;
  }

  /** Values that are read but defined by nothing: a broken or truncated graph. */
  undefinedValues(): Value[] {
    const out: Value[] = [];
    for (const v of this.values.values()) {
      if (!v.producer && !v.initializer && !v.isGraphInput && (v.uses.length > 0 || v.isGraphOutput)) out.push(v);
    }
    return out;
  }
}
