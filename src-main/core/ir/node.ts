// Values and nodes of the editable graph. Their edges are changed only through the Graph's
// verbs (graph.ts), which keep both sides of every edge consistent.
import type { AttributeProto, NodeProto, TensorProto, ValueInfoProto } from '../onnx/gen/onnx_pb.js';
import type { Graph } from './graph.js';

/** A dimension: a number when known, a symbol when dynamic ("N"), null when unknown. */
export type Dim = number | string | null;

export interface TensorType {
  elemType: number;
  /** null when even the rank is unknown. */
  shape: Dim[] | null;
}

export interface Use {
  node: Node;
  index: number;
}

export class Value {
  producer: Node | null = null;
  /** Consumers by input slot; a node that reads the value twice appears twice. */
  readonly uses: Use[] = [];
  /** Nodes that read the value implicitly, from inside a subgraph attribute (If/Loop/Scan). */
  readonly implicitUses = new Set<Node>();
  /** Declared type (graph input/output, value_info) or the one shape inference found. */
  type: TensorType | null = null;
  /** Constant data when the value is an initializer. */
  initializer: TensorProto | null = null;
  /** The original value_info entry, kept so an unedited model saves back as it was. */
  info: ValueInfoProto | null = null;

  constructor(
    readonly graph: Graph,
    public name: string,
  ) {}

  get isGraphInput(): boolean {
    return this.graph.inputs.includes(this);
  }

  get isGraphOutput(): boolean {
    return this.graph.outputs.includes(this);
  }

  get isUsed(): boolean {
    return this.uses.length > 0 || this.implicitUses.size > 0 || this.isGraphOutput;
  }
}

export interface NodeInit {
  opType: string;
  inputs: (Value | null)[];
  /** Names of the outputs to create (made unique), or a count of outputs named after the node. */
  outputs?: string[] | number;
  attributes?: AttributeProto[];
  name?: string;
  domain?: string;
}

export class Node {
  /** Stable within a graph; the node name when it is non-empty and unique. */
  readonly id: string;
  inputs: (Value | null)[] = [];
  outputs: (Value | null)[] = [];
  implicitInputs: Value[] = [];
  /** The node as loaded; null for nodes the studio made. Saved as is while `dirty` is false. */
  proto: NodeProto | null = null;
  dirty = true;

  constructor(
    readonly graph: Graph,
    id: string,
    public name: string,
    public opType: string,
    public domain: string,
    public attributes: AttributeProto[],
  ) {
    this.id = id;
  }

  attr(name: string): AttributeProto | undefined {
    return this.attributes.find((a) => a.name === name);
  }

  input(i: number): Value | null {
    return this.inputs[i] ?? null;
  }

  output(i: number): Value | null {
    return this.outputs[i] ?? null;
  }
}
