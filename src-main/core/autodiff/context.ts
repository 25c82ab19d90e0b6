// What a gradient rule sees of the node it differentiates. The vocabulary is fixed:
// input(i), output(i), gradOut(i), needsGrad(i), setGradIn(i, v), plus the emitter `e` for
// building the backward nodes and typed attribute reads.
import { GraftError } from '../errors.js';
import { getFloat, getInt, getInts, getString, hasAttr } from '../ir/attributes.js';
import type { Dim, Node, Value } from '../ir/graph.js';
import type { Emitter } from '../ir/emitter.js';

export interface GradContext {
  readonly node: Node;
  readonly e: Emitter;
  readonly opset: number;
  input(i: number): Value;
  /** An optional input that may be absent. */
  maybeInput(i: number): Value | null;
  output(i: number): Value;
  /** The gradient arriving at output i, or null when nothing downstream needs it. */
  gradOut(i: number): Value | null;
  /** Does the loss's gradient with respect to input i reach a trainable parameter? */
  needsGrad(i: number): boolean;
  setGradIn(i: number, grad: Value): void;
  /** The static shape of a forward value (shape inference ran on the forward graph). */
  shape(v: Value): Dim[];
  attrInt(name: string, dflt: number): number;
  attrInts(name: string, dflt: number[]): number[];
  attrFloat(name: string, dflt: number): number;
  attrString(name: string, dflt: string): string;
  hasAttr(name: string): boolean;
  /** A rule that cannot handle this node's configuration says so, naming the node. */
  unsupported(why: string): never;
}

export type GradRule = (ctx: GradContext) => void;

export class NodeGradContext implements GradContext {
  readonly gradIns = new Map<number, Value>();

  constructor(
    readonly node: Node,
    readonly e: Emitter,
    private readonly outGrads: (Value | null)[],
    private readonly needs: boolean[],
  ) {}

  get opset(): number {
    return this.e.opset;
  }

  input(i: number): Value {
    const v = this.node.inputs[i];
    if (!v) this.unsupported(`input ${i} is missing`);
    return v;
  }

  maybeInput(i: number): Value | null {
    return this.node.inputs[i] ?? null;
  }

  output(i: number): Value {
    const v = this.node.outputs[i];
    if (!v) this.unsupported(`output ${i} is missing`);
    return v;
  }

  gradOut(i: number): Value | null {
    return this.outGrads[i] ?? null;
  }

  needsGrad(i: number): boolean {
    return this.needs[i] ?? false;
  }

  setGradIn(i: number, grad: Value): void {
    if (!this.needsGrad(i)) return;
    this.gradIns.set(i, grad);
  }

  shape(v: Value): Dim[] {
    const s = v.type?.shape;
    if (!s) this.unsupported(`the shape of "${v.name}" is unknown`);
    return s;
  }

  attrInt(name: string, dflt: number): number {
    return getInt(this.node, name, dflt);
  }

  attrInts(name: string, dflt: number[]): number[] {
    return getInts(this.node, name, dflt);
  }

  attrFloat(name: string, dflt: number): number {
    return getFloat(this.node, name, dflt);
  }

  attrString(name: string, dflt: string): string {
    return getString(this.node, name, dflt);
  }

  hasAttr(name: string): boolean {
    return hasAttr(this.node, name);
  }

  unsupported(why: string): never {
    throw new GraftError('autodiff-unsupported', `cannot differentiate ${this.node.opType} node "${this.node.id}": ${why}`);
  }
}
