// Einsum, in the forms exporters emit: one or two operands, each letter at most once per
// term (no diagonals), every letter of an operand kept in the output or shared with the other
// operand (no sums over one operand alone), "..." kept in the output and standing for the
// same dims in each operand that has it.
import type { Dim } from '../../ir/graph.js';
import type { GradContext, GradRule } from '../context.js';

interface Equation {
  inputs: string[];
  output: string;
}

const letters = (term: string) => term.replace('...', '').split('');

/** The equation with its implicit output made explicit: "...", then letters seen once, sorted. */
function parseEquation(c: GradContext): Equation {
  const eq = c.attrString('equation', '').replace(/\s/g, '');
  const [lhs, rhs] = eq.split('->');
  const inputs = lhs.split(',');
  if (rhs !== undefined) return { inputs, output: rhs };
  const counts = new Map<string, number>();
  for (const t of inputs) for (const l of letters(t)) counts.set(l, (counts.get(l) ?? 0) + 1);
  const once = [...counts].filter(([, n]) => n === 1).map(([l]) => l).sort();
  return { inputs, output: (inputs.some((t) => t.includes('...')) ? '...' : '') + once.join('') };
}

/** The dims "..." covers in a value of shape `shape` whose term is `term`. */
function ellipsisDims(term: string, shape: Dim[]): Dim[] {
  const at = term.indexOf('...');
  return shape.slice(at, at + shape.length - letters(term).length);
}

/**
 * einsum: y = einsum("A,B->Y", a, b);  da = einsum("Y,B->A", dy, b), db = einsum("A,Y->B", a, dy)
 * (one operand: "Y->A" when "A->Y" only permutes).
 */
export const einsum: GradRule = (c) => {
  const { inputs, output } = parseEquation(c);
  if (inputs.length > 2) c.unsupported('only one or two operands are differentiable');
  const dy = c.gradOut(0)!;
  inputs.forEach((term, k) => {
    if (!c.needsGrad(k)) return;
    const own = letters(term);
    const other = inputs.length === 2 ? inputs[1 - k] : '';
    if (new Set(own).size !== own.length) c.unsupported(`operand ${k} repeats a letter (a diagonal) in "${term}"`);
    const lost = own.filter((l) => !output.includes(l) && !other.includes(l));
    if (lost.length > 0) c.unsupported(`operand ${k} is summed over "${lost.join('')}" alone`);
    if (term.includes('...') && !output.includes('...')) c.unsupported('"..." summed away in the output is not supported');
    if (term.includes('...')) {
      const mine = ellipsisDims(term, c.shape(c.input(k)));
      const theirs = ellipsisDims(output, c.shape(c.output(0)));
      if (mine.length !== theirs.length || mine.some((d, i) => d !== theirs[i])) c.unsupported(`the dims under "..." of operand ${k} are broadcast`);
    }
    // ORT cannot sum "..." away: an operand without it gets the grad with "..." in front, summed.
    const summed = output.includes('...') && !term.includes('...') ? ellipsisDims(output, c.shape(c.output(0))).length : 0;
    const target = summed > 0 ? `...${term}` : term;
    const equation = other === '' ? `${output}->${target}` : k === 0 ? `${output},${other}->${target}` : `${other},${output}->${target}`;
    const operands = other === '' ? [dy] : k === 0 ? [dy, c.input(1)] : [c.input(0), dy];
    const g = c.e.op('Einsum', operands, { equation });
    c.setGradIn(k, c.e.reduceSum(g, Array.from({ length: summed }, (_, i) => i), false));
  });
};
