// onnxruntime's fast convolutions on x86 and Arm work in a blocked layout, NCHWc: channels
// split into blocks of b (8 or 16), stored innermost. Its optimizer moves a convolution to
// that layout only when the weight is an initializer, because it reorders the weight once at
// load time. In a compiled training step every trained weight is a graph input, so those
// convolutions, and the ConvTranspose that computes their input gradient, run on the plain
// im2col path instead: on ResNet-18's shapes, batch 16, 2 threads, 125-175 GFLOP/s against
// 180-235 in NCHWc.
//
// This pass does by hand what the optimizer would: each such 2-D Conv becomes
//   ReorderInput(x) -> Conv[com.microsoft.nchwc](·, blocked(w), b) -> ReorderOutput
// with the weight reordered inside the graph on every step (2-5 ms per 2.4 M weights; 6% of a
// full ResNet-18 step at batch 16, against 20-30% gained), and each stride-1 ConvTranspose (a convolution's input gradient) becomes the
// equivalent convolution of dy with the flipped, transposed weight, in the same layout.
// The graph stays NCHW between nodes, so every other rule and op is unaffected.
//
// The result runs only in onnxruntime's CPU provider; it is a session-time lowering of the
// training step, never saved or exported.
import { create } from '@bufbuild/protobuf';
import type { AttrValue } from '../ir/attributes.js';
import type { Graph, Node, Value } from '../ir/graph.js';
import { graphFromModel, modelWithGraph } from '../ir/proto.js';
import type { ModelProto } from '../onnx/gen/onnx_pb.js';
import { OperatorSetIdProtoSchema } from '../onnx/gen/onnx_pb.js';
import { Emitter } from '../ir/emitter.js';
import { modelOpset } from '../shape/infer.js';

export const NCHWC_DOMAIN = 'com.microsoft.nchwc';

/** Static [M, C, kh, kw] of a weight, or null. */
function weightShape(w: Value | null): number[] | null {
  const s = w?.type?.shape;
  if (!s || s.length !== 4 || s.some((d) => typeof d !== 'number')) return null;
  return s as number[];
}

const ints = (n: Node, name: string): number[] | undefined => {
  const a = n.attr(name);
  return a && a.ints.length > 0 ? a.ints.map(Number) : undefined;
};
const int = (n: Node, name: string, dflt: number): number => {
  const a = n.attr(name);
  return a ? Number(a.i) : dflt;
};
const allOnes = (v: number[] | undefined) => !v || v.every((x) => x === 1);

class Lowering {
  private readonly e: Emitter;
  private readonly blocked = new Map<Value, Value>();
  private readonly flipped = new Map<Value, Value>();

  constructor(
    private readonly g: Graph,
    opset: number,
    private readonly b: number,
  ) {
    this.e = new Emitter(g, opset, 'nchwc-weights/');
  }

  /** A node of the NCHWc domain, named after the node it replaces (so grad/... stays backward). */
  private nchwc(replaced: Node, opType: string, inputs: (Value | null)[], attributes: Record<string, AttrValue | undefined>): Value {
    const name = this.g.uniqueName(`${replaced.name || replaced.id}/nchwc/${opType}`);
    return this.e.op(opType, inputs, attributes, { name, domain: NCHWC_DOMAIN });
  }

  /** Whether channel count c can be a blocked axis. */
  private fits(c: number): boolean {
    return c % this.b === 0;
  }

  /**
   * w [M, C, kh, kw] in the kernel's filter layout: [M/b, C/b, kh, kw, b(C), b(M)]
   * ("OIHWBiBo"), or [M/b, C, kh, kw, b(M)] ("OIHWBo") when the input is not blocked (C < b).
   * Two transposes, each moving whole runs of memory, are about 2x faster than one 6-D one.
   */
  private blockFilter(w: Value, [M, C, kh, kw]: number[]): Value {
    const cached = this.blocked.get(w);
    if (cached) return cached;
    const { e, b } = this;
    const KK = kh * kw;
    let r = e.transpose(e.reshape(w, [M / b, b, C * KK]), [0, 2, 1]); // [M/b, C·KK, b(M)]
    if (C >= b) r = e.transpose(e.reshape(r, [(M / b) * (C / b), b, KK, b]), [0, 2, 1, 3]); // [M/b·C/b, KK, b(C), b(M)]
    const out = e.reshape(r, [M, C, kh, kw]);
    this.blocked.set(w, out);
    return out;
  }

  /**
   * The filter of dx = conv(dy, w'): w'[c, m, i, j] = w[m, c, kh-1-i, kw-1-j], blocked as
   * [C/b, M/b, kh, kw, b(M), b(C)]. Ordered so that every step moves contiguous runs: a 2-D
   * transpose to [C·KK, M], the flip as reversed KK (runs of M), b(C) to the end, then KK
   * past M/b (runs of b·b): 2.3x faster than flipping w and blocking that.
   */
  private flippedFilter(w: Value, [M, C, kh, kw]: number[]): Value {
    const cached = this.flipped.get(w);
    if (cached) return cached;
    const { e, b } = this;
    const KK = kh * kw;
    const t = e.transpose(e.reshape(w, [M, C * KK]), [1, 0]); // [C/b, b(C), KK, M]
    const flip = e.op('Slice', [e.reshape(t, [C / b, b, KK, M]), e.int64([-1]), e.int64([-(2 ** 62)]), e.int64([2]), e.int64([-1])]);
    const u = e.transpose(e.reshape(flip, [C / b, b, KK * M]), [0, 2, 1]); // [C/b, KK, M/b, b(M), b(C)]
    const out = e.reshape(e.transpose(e.reshape(u, [C / b, KK, M / b, b * b]), [0, 2, 1, 3]), [C, M, kh, kw]);
    this.flipped.set(w, out);
    return out;
  }

  private wrap(node: Node, x: Value, filter: Value, bias: Value | null, outChannels: number, inChannels: number, conv: Record<string, AttrValue | undefined>): void {
    this.g.replaceNode(node, () => {
      const xin = inChannels >= this.b ? this.nchwc(node, 'ReorderInput', [x], {}) : x;
      const y = this.nchwc(node, 'Conv', bias ? [xin, filter, bias] : [xin, filter], conv);
      return [this.nchwc(node, 'ReorderOutput', [y], { channels: outChannels })];
    });
  }

  /** Conv with a weight that is not an initializer (onnxruntime blocks those itself). */
  conv(n: Node): boolean {
    const w = n.input(1);
    const shape = weightShape(w);
    if (!shape || w!.initializer || int(n, 'group', 1) !== 1) return false;
    const autoPad = n.attr('auto_pad');
    if (autoPad && new TextDecoder().decode(autoPad.s) !== 'NOTSET') return false;
    const [M, C, kh, kw] = shape;
    if (!this.fits(M) || !(this.fits(C) || C < this.b)) return false;
    const filter = this.blockFilter(w!, shape);
    this.wrap(n, n.input(0)!, filter, n.input(2), M, C, {
      kernel_shape: [kh, kw],
      strides: ints(n, 'strides'),
      dilations: ints(n, 'dilations'),
      pads: ints(n, 'pads'),
    });
    return true;
  }

  /** ConvTranspose with stride 1 (and no output padding) is a convolution with the flipped, transposed weight. */
  convTranspose(n: Node): boolean {
    const w = n.input(1);
    const shape = weightShape(w);
    if (!shape || int(n, 'group', 1) !== 1 || n.input(2) || n.attr('output_shape') || n.attr('auto_pad')) return false;
    if (!allOnes(ints(n, 'strides')) || !allOnes(ints(n, 'dilations')) || (ints(n, 'output_padding') ?? []).some((p) => p !== 0)) return false;
    const [M, C, kh, kw] = shape; // dy has M channels, dx has C
    if (!this.fits(M) || !this.fits(C)) return false;
    const pads = ints(n, 'pads') ?? [0, 0, 0, 0];
    const k = [kh, kw, kh, kw];
    if (pads.some((p, i) => p > k[i] - 1)) return false;
    this.wrap(n, n.input(0)!, this.flippedFilter(w!, shape), null, C, M, {
      kernel_shape: [kh, kw],
      pads: pads.map((p, i) => k[i] - 1 - p),
    });
    return true;
  }
}

/**
 * The training step with its weight-input convolutions moved to onnxruntime's NCHWc kernels,
 * for channel block size `blockSize` (from {@link nchwcBlockSize} in node/); the model as is
 * when blockSize < 2 or nothing qualifies.
 */
export function useNchwcConvs(model: ModelProto, blockSize: number, opts: { inputGradients?: boolean } = {}): ModelProto {
  if (blockSize < 2) return model;
  const g = graphFromModel(model, 'training step');
  if (lowerNchwcConvs(g, modelOpset(model), blockSize, opts) === 0) return model;
  return withNchwcDomain(modelWithGraph(model, g));
}

/** Lowers `g` in place; returns how many nodes it rewrote (declare the domain when > 0). */
export function lowerNchwcConvs(g: Graph, opset: number, blockSize: number, opts: { inputGradients?: boolean } = {}): number {
  if (blockSize < 2) return 0;
  const lower = new Lowering(g, opset, blockSize);
  let changed = 0;
  for (const n of [...g.nodes]) {
    if (n.domain !== '' && n.domain !== 'ai.onnx') continue;
    if (n.opType === 'Conv' && lower.conv(n)) changed++;
    else if (opts.inputGradients !== false && n.opType === 'ConvTranspose' && lower.convTranspose(n)) changed++;
  }
  if (changed > 0) g.topologicalSort();
  return changed;
}

/** The model declaring onnxruntime's NCHWc domain, which the lowered nodes use. */
export function withNchwcDomain(model: ModelProto): ModelProto {
  if (model.opsetImport.some((o) => o.domain === NCHWC_DOMAIN)) return model;
  return Object.assign(Object.create(Object.getPrototypeOf(model) as object) as ModelProto, model, {
    opsetImport: [...model.opsetImport, create(OperatorSetIdProtoSchema, { domain: NCHWC_DOMAIN, version: 1n })],
  });
}
