// Matrix products: Gemm (2-D, optional transposes), MatMul (numpy semantics: 1-D operands
// gain and lose a dim, batch dims broadcast) and Einsum.
import type { Dim } from '../../ir/graph.js';
import { getInt, getString } from '../../ir/attributes.js';
import { DataType } from '../../onnx/dtype.js';
import { broadcastDim, broadcastShapes } from '../broadcast.js';
import type { RuleContext, ShapeRule } from '../context.js';
import { formatShape } from '../context.js';

function checkInner(ctx: RuleContext, k1: Dim, k2: Dim, a: Dim[], b: Dim[]): void {
  if (typeof k1 === 'number' && typeof k2 === 'number' && k1 !== k2) {
    ctx.fail(`inner dimensions differ: A ${formatShape(a)} has K = ${k1}, B ${formatShape(b)} has K = ${k2}`);
  }
}

const gemm: ShapeRule = (ctx: RuleContext) => {
  const a = ctx.needShape(0);
  const b = ctx.needShape(1);
  if (a.length !== 2 || b.length !== 2) ctx.fail(`A ${formatShape(a)} and B ${formatShape(b)} must both be 2-D`);
  const transA = getInt(ctx.node, 'transA', 0) === 1;
  const transB = getInt(ctx.node, 'transB', 0) === 1;
  const [m, k1] = transA ? [a[1], a[0]] : a;
  const [k2, n] = transB ? [b[1], b[0]] : b;
  checkInner(ctx, k1, k2, a, b);
  const c = ctx.shape(2);
  if (c) {
    const y = [m, n];
    c.forEach((d, i) => {
      const target = y[y.length - c.length + i];
      if (c.length > 2 || (typeof d === 'number' && d !== 1 && typeof target === 'number' && d !== target)) {
        ctx.fail(`C ${formatShape(c)} does not broadcast to the output [${m}, ${n}]`);
      }
    });
  }
  ctx.setOutput(0, ctx.elemType(0), [m, n]);
};

function matmulShape(ctx: RuleContext, a: Dim[], b: Dim[]): Dim[] {
  if (a.length === 0 || b.length === 0) ctx.fail('MatMul operands must have at least one dimension');
  const a2 = a.length === 1 ? [1, a[0]] : a;
  const b2 = b.length === 1 ? [b[0], 1] : b;
  checkInner(ctx, a2[a2.length - 1], b2[b2.length - 2], a, b);
  const batch = broadcastShapes(ctx, [a2.slice(0, -2), b2.slice(0, -2)]);
  const out = [...batch];
  if (a.length > 1) out.push(a2[a2.length - 2]);
  if (b.length > 1) out.push(b2[b2.length - 1]);
  return out;
}

const matmul: ShapeRule = (ctx: RuleContext) => {
  const out = matmulShape(ctx, ctx.needShape(0), ctx.needShape(1));
  ctx.setOutput(0, ctx.node.opType === 'MatMulInteger' ? DataType.INT32 : ctx.elemType(0), out);
};

/** Einsum: letters name dims; "..." stands for broadcast batch dims. */
const einsum: ShapeRule = (ctx: RuleContext) => {
  const eq = getString(ctx.node, 'equation', '').replace(/\s/g, '');
  const [lhs, rhs] = eq.split('->');
  const terms = lhs.split(',');
  if (terms.length !== ctx.inputCount) ctx.fail(`equation "${eq}" has ${terms.length} operands, the node ${ctx.inputCount} inputs`);
  const sizes = new Map<string, Dim>();
  const counts = new Map<string, number>();
  let ellipsis: Dim[] = [];
  terms.forEach((term, i) => {
    const shape = ctx.needShape(i);
    const letters = term.replace('...', '').split('');
    const ell = term.includes('...') ? shape.length - letters.length : 0;
    if (ell < 0 || (!term.includes('...') && letters.length !== shape.length)) {
      ctx.fail(`term "${term}" does not fit input ${i} of shape ${formatShape(shape)}`);
    }
    const at = term.indexOf('...');
    const before = at < 0 ? letters.length : at;
    ellipsis = broadcastShapes(ctx, [ellipsis, shape.slice(before, before + ell)]);
    letters.forEach((c, k) => {
      const d = shape[k < before ? k : k + ell];
      const prev = sizes.get(c);
      const merged = prev === undefined ? d : broadcastDim(prev, d);
      if (merged === undefined) ctx.fail(`label "${c}" is ${prev} in one operand and ${d} in another`);
      sizes.set(c, merged);
      counts.set(c, (counts.get(c) ?? 0) + 1);
    });
  });
  const outTerm = rhs ?? '...' + [...counts.keys()].filter((c) => counts.get(c) === 1).sort().join('');
  const out: Dim[] = [];
  for (const part of outTerm.split(/(\.\.\.)/)) {
    if (part === '...') out.push(...ellipsis);
    else for (const c of part) out.push(sizes.get(c) ?? ctx.fail(`output label "${c}" appears in no input`));
  }
  ctx.setOutput(0, ctx.elemType(0), out);
};

export const linalgRules: Record<string, ShapeRule> = {
  Gemm: gemm,
  MatMul: matmul,
  MatMulInteger: matmul,
  Einsum: einsum,
};
