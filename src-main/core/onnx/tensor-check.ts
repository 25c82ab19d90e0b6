// Tensors whose declared dims do not match the data they hold: a damaged or hostile file can
// declare a 2^40-element weight over 16 bytes, and every later step (shape inference, the
// gradient rules, onnxruntime) would trust the dims and try to allocate them. Checked once at
// decode, like the onnx checker does.
import { itemSize } from './dtype.js';
import type { GraphProto, TensorProto } from './gen/onnx_pb.js';
import { isExternal } from './tensor.js';

/** Why `t`'s dims and data disagree, or null when they agree. */
export function tensorSizeProblem(t: TensorProto): string | null {
  if (t.dims.some((d) => d < 0n)) return `dims [${t.dims.join(', ')}] include a negative size`;
  const count = t.dims.reduce((a, b) => a * b, 1n);
  if (isExternal(t)) return null; // its length is checked where the file is read
  const size = itemSize(t.dataType);
  if (t.rawData.byteLength > 0) {
    if (size > 0 && BigInt(t.rawData.byteLength) !== count * BigInt(size)) {
      return `dims [${t.dims.join(', ')}] make ${count} elements, but it holds ${t.rawData.byteLength} bytes (${size} per element)`;
    }
    return null;
  }
  // Typed fields: one entry per element (two for complex numbers, several small ints packed
  // into int32_data one each); more elements than entries can hold is a lie.
  const entries = Math.max(t.floatData.length, t.int32Data.length, t.int64Data.length, t.doubleData.length, t.uint64Data.length, t.stringData.length);
  if (count > BigInt(entries)) return `dims [${t.dims.join(', ')}] make ${count} elements, but it holds ${entries}`;
  return null;
}

/** The first initializer or constant tensor (in any subgraph) whose dims and data disagree. */
export function firstBadTensor(main: GraphProto): { tensor: string; problem: string } | null {
  const stack = [main];
  while (stack.length > 0) {
    const g = stack.pop()!;
    const tensors = [...g.initializer];
    for (const n of g.node) {
      for (const a of n.attribute) {
        if (a.t) tensors.push(a.t);
        tensors.push(...a.tensors);
        stack.push(...(a.g ? [a.g] : []), ...a.graphs);
      }
    }
    for (const t of tensors) {
      const problem = tensorSizeProblem(t);
      if (problem) return { tensor: t.name, problem };
    }
  }
  return null;
}
