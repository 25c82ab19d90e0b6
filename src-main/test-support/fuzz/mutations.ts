// Seeded mutations of ONNX models for the fuzz suite: byte-level damage (truncation, flips,
// varint bombs) and structural damage written at the proto level (cycles, absurd dims, deep
// subgraph nesting, dangling names, hostile attributes). Each case is reproducible from
// (seed, index) alone.
import { create, fromBinary } from '@bufbuild/protobuf';
import { encodeModel } from '../../core/onnx/codec.js';
import { seededRandom } from '../../core/random.js';
import { AttributeProtoSchema, GraphProtoSchema, type ModelProto, ModelProtoSchema, NodeProtoSchema } from '../../core/onnx/gen/onnx_pb.js';

export type Rng = () => number;

/** The studio's own seeded generator picks the mutations. */
export const rngFor = (seed: number): Rng => seededRandom(seed);

const int = (rng: Rng, n: number) => Math.floor(rng() * n);
const pick = <T>(rng: Rng, xs: readonly T[]): T => xs[int(rng, xs.length)];

export const MUTATIONS = ['truncate', 'flip', 'varint-bomb', 'cycle', 'absurd-dims', 'deep-nesting', 'dangling', 'attributes', 'ops'] as const;
export type Mutation = (typeof MUTATIONS)[number];

function truncate(bytes: Uint8Array, rng: Rng): Uint8Array {
  return bytes.slice(0, int(rng, bytes.length));
}

function flip(bytes: Uint8Array, rng: Rng): Uint8Array {
  const out = bytes.slice();
  for (let k = 1 + int(rng, 8); k > 0; k--) out[int(rng, out.length)] ^= 1 << int(rng, 8);
  return out;
}

/** A length or a varint that claims far more than there is, or never ends. */
function varintBomb(bytes: Uint8Array, rng: Rng): Uint8Array {
  const at = int(rng, bytes.length);
  const bombs = [
    [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01], // 2^64-1
    [0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f], // field 1, length 4 GiB
    [0x3a, 0xfe, 0xff, 0xff, 0xff, 0x07], // graph field, length 2 GiB
    Array.from({ length: 12 }, () => 0x80), // a varint that never terminates
  ];
  const bomb = Uint8Array.from(pick(rng, bombs));
  const out = new Uint8Array(bytes.length + bomb.length);
  out.set(bytes.subarray(0, at));
  out.set(bomb, at);
  out.set(bytes.subarray(at), at + bomb.length);
  return rng() < 0.5 ? out : out.subarray(0, at + bomb.length);
}

function structural(model: ModelProto, kind: Mutation, rng: Rng): ModelProto {
  const g = model.graph!;
  const nodes = g.node;
  switch (kind) {
    case 'cycle': {
      // A node reads its own output, or one produced after it (a loop through the graph).
      if (nodes.length === 0) break;
      const i = int(rng, nodes.length);
      const j = i + int(rng, nodes.length - i);
      const out = nodes[j].output[0];
      if (nodes[i].input.length === 0) nodes[i].input.push(out);
      else nodes[i].input[int(rng, nodes[i].input.length)] = out;
      break;
    }
    case 'absurd-dims': {
      const dims = [2n ** 40n, -5n, 0n, 2n ** 62n, 3n * 10n ** 9n];
      if (rng() < 0.5 && g.input.length > 0) {
        const t = g.input[int(rng, g.input.length)].type?.value;
        if (t?.case === 'tensorType' && t.value.shape) for (const d of t.value.shape.dim) if (rng() < 0.7) d.value = { case: 'dimValue', value: pick(rng, dims) };
      } else if (g.initializer.length > 0) {
        const t = g.initializer[int(rng, g.initializer.length)];
        if (t.dims.length === 0) t.dims.push(pick(rng, dims));
        else t.dims[int(rng, t.dims.length)] = pick(rng, dims);
      }
      break;
    }
    case 'deep-nesting': {
      // The whole graph as the then-branch of `depth` nested If nodes.
      const depth = pick(rng, [2, 10, 50, 120, 400]);
      const body = create(GraphProtoSchema, { name: 'body', node: g.node, initializer: g.initializer, output: g.output });
      let inner = body;
      for (let k = 0; k < depth; k++) {
        const ifNode = create(NodeProtoSchema, {
          opType: 'If',
          name: `if${k}`,
          input: ['fuzz_cond'],
          output: g.output.map((o) => o.name),
          attribute: [create(AttributeProtoSchema, { name: 'then_branch', type: 5, g: inner }), create(AttributeProtoSchema, { name: 'else_branch', type: 5, g: body })],
        });
        inner = create(GraphProtoSchema, { name: `level${k}`, node: [ifNode], output: g.output });
      }
      const cond = create(NodeProtoSchema, { opType: 'Constant', output: ['fuzz_cond'], attribute: [{ name: 'value', type: 4, t: { dims: [], dataType: 9, int32Data: [1] } }] });
      g.node = [cond, ...inner.node];
      g.initializer = [];
      break;
    }
    case 'dangling': {
      // A node or initializer goes missing, or a name is duplicated.
      const r = rng();
      if (r < 0.4 && nodes.length > 0) nodes.splice(int(rng, nodes.length), 1);
      else if (r < 0.7 && g.initializer.length > 0) g.initializer.splice(int(rng, g.initializer.length), 1);
      else if (nodes.length > 1) nodes[int(rng, nodes.length)].output[0] = nodes[int(rng, nodes.length)].output[0];
      else g.output.push(...g.output);
      break;
    }
    case 'attributes': {
      if (nodes.length === 0) break;
      const n = nodes[int(rng, nodes.length)];
      const values = [[0n], [-1n], [2n ** 31n], [10n ** 12n], [], [1n, 1n, 1n, 1n, 1n, 1n, 1n, 1n]];
      if (n.attribute.length > 0 && rng() < 0.7) {
        const a = n.attribute[int(rng, n.attribute.length)];
        a.ints = pick(rng, values);
        a.i = pick(rng, [0n, -1n, 2n ** 40n]);
        if (rng() < 0.3) a.type = int(rng, 16);
      } else {
        n.attribute.push(create(AttributeProtoSchema, { name: pick(rng, ['axis', 'kernel_shape', 'strides', 'pads', 'perm', 'group', 'hidden_size']), type: 7, ints: pick(rng, values) }));
      }
      break;
    }
    case 'ops': {
      if (nodes.length === 0) break;
      const n = nodes[int(rng, nodes.length)];
      const r = rng();
      if (r < 0.4) n.opType = pick(rng, ['Conv', 'Gemm', 'LSTM', 'Reshape', 'Loop', 'Scan', 'NotAnOp', '', 'If', 'Split']);
      else if (r < 0.6) n.domain = pick(rng, ['com.microsoft', 'evil.domain', 'ai.onnx.ml']);
      else if (r < 0.8) n.input.push(...Array.from({ length: int(rng, 5) }, () => pick(rng, ['', n.input[0] ?? 'x', 'nowhere'])));
      else model.opsetImport = pick(rng, [[], [{ $typeName: 'onnx.OperatorSetIdProto', domain: '', version: 1n }], [{ $typeName: 'onnx.OperatorSetIdProto', domain: '', version: 999n }]]);
      break;
    }
    default:
      break;
  }
  return model;
}

/** The mutated bytes of case `index` of a run seeded with `seed`, and what was done. */
export function mutateCase(seeds: readonly Uint8Array[], seed: number, index: number): { bytes: Uint8Array; mutation: Mutation; seedModel: number } {
  const rng = rngFor(seed * 1_000_003 + index);
  const seedModel = int(rng, seeds.length);
  const mutation = MUTATIONS[index % MUTATIONS.length];
  const source = seeds[seedModel];
  if (mutation === 'truncate') return { bytes: truncate(source, rng), mutation, seedModel };
  if (mutation === 'flip') return { bytes: flip(source, rng), mutation, seedModel };
  if (mutation === 'varint-bomb') return { bytes: varintBomb(source, rng), mutation, seedModel };
  const model = fromBinary(ModelProtoSchema, source);
  return { bytes: encodeModel(structural(model, mutation, rng)), mutation, seedModel };
}
