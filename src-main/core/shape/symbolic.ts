// Arithmetic on dimensions that may be symbols. A symbolic dim is a string: a plain name from
// the model ("N", "batch") or an expression built here ("12*N", "N+1"). Products are kept in
// a canonical form (number first, then names sorted) so that equal products compare equal as
// strings, which is what Reshape's -1 and Flatten need; sums stay as written. Anything that
// would need a guess (N/2 when N is unknown) becomes null: unknown, never wrong.
import type { Dim } from '../ir/graph.js';

/** coef * product(atoms); atoms are names or parenthesis-free sum expressions. */
interface Monomial {
  coef: number;
  atoms: string[];
}

/** Splits at `sep` outside parentheses. */
function splitTop(s: string, sep: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (c === sep && depth === 0) {
      parts.push(s.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(s.slice(start));
  return parts;
}

function stripParens(s: string): string {
  if (!s.startsWith('(') || !s.endsWith(')')) return s;
  let depth = 0;
  for (let i = 0; i < s.length - 1; i++) {
    if (s[i] === '(') depth++;
    else if (s[i] === ')') depth--;
    if (depth === 0) return s; // the first '(' closes before the end: "(a)+(b)"
  }
  return s.slice(1, -1);
}

function toMonomial(d: number | string): Monomial {
  if (typeof d === 'number') return { coef: d, atoms: [] };
  let coef = 1;
  const atoms: string[] = [];
  for (const raw of splitTop(d, '*')) {
    const t = raw.trim();
    if (/^\d+$/.test(t)) coef *= Number(t);
    else atoms.push(stripParens(t));
  }
  atoms.sort();
  return { coef, atoms };
}

const needsParens = (atom: string) => /[+\-/]/.test(atom);

function fromMonomial(m: Monomial): Dim {
  if (m.atoms.length === 0 || m.coef === 0) return m.coef;
  const atoms = m.atoms.map((a) => (m.atoms.length > 1 || m.coef !== 1) && needsParens(a) ? `(${a})` : a);
  return m.coef === 1 ? atoms.join('*') : [String(m.coef), ...atoms].join('*');
}

export function isKnown(d: Dim): d is number {
  return typeof d === 'number';
}

/** Every dim known: the shape is all numbers. */
export function allKnown(dims: readonly Dim[]): dims is number[] {
  return dims.every(isKnown);
}

export function mulDim(a: Dim, b: Dim): Dim {
  if (a === 0 || b === 0) return 0;
  if (a === null || b === null) return null;
  if (typeof a === 'number' && typeof b === 'number') return a * b;
  const ma = toMonomial(a);
  const mb = toMonomial(b);
  return fromMonomial({ coef: ma.coef * mb.coef, atoms: [...ma.atoms, ...mb.atoms].sort() });
}

export function productDims(dims: readonly Dim[]): Dim {
  let p: Dim = 1;
  for (const d of dims) p = mulDim(p, d);
  return p;
}

/** a / b when it divides exactly (numbers, or b's names all appear in a); null otherwise. */
export function divDimExact(a: Dim, b: Dim): Dim {
  // == null: a rule may hand in a dim read past the end of a shape (undefined) on a bad model.
  if (a == null || b == null || b === 0) return null;
  if (typeof a === 'number' && typeof b === 'number') return a % b === 0 ? a / b : null;
  const ma = toMonomial(a);
  const mb = toMonomial(b);
  if (ma.coef % mb.coef !== 0) return null;
  const rest = [...ma.atoms];
  for (const atom of mb.atoms) {
    const at = rest.indexOf(atom);
    if (at < 0) return null;
    rest.splice(at, 1);
  }
  return fromMonomial({ coef: ma.coef / mb.coef, atoms: rest });
}

function sameAtoms(a: Monomial, b: Monomial): boolean {
  return a.atoms.length === b.atoms.length && a.atoms.every((x, i) => x === b.atoms[i]);
}

export function addDim(a: Dim, b: Dim): Dim {
  if (a === null || b === null) return null;
  if (typeof a === 'number' && typeof b === 'number') return a + b;
  if (b === 0) return a;
  if (a === 0) return b;
  const ma = toMonomial(a);
  const mb = toMonomial(b);
  if (sameAtoms(ma, mb)) return fromMonomial({ coef: ma.coef + mb.coef, atoms: ma.atoms });
  return `${a}+${b}`;
}

export function subDim(a: Dim, b: Dim): Dim {
  if (a === null || b === null) return null;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (b === 0) return a;
  const ma = toMonomial(a);
  const mb = toMonomial(b);
  if (sameAtoms(ma, mb)) return fromMonomial({ coef: ma.coef - mb.coef, atoms: ma.atoms });
  return `${a}-${typeof b === 'string' && /[+-]/.test(b) ? `(${b})` : b}`;
}

/** Whether two dims are certainly equal (same number, or the same symbolic expression). */
export function sameDim(a: Dim, b: Dim): boolean {
  if (a === null || b === null) return false;
  if (typeof a === 'number' || typeof b === 'number') return a === b;
  if (a === b) return true;
  const ma = toMonomial(a);
  const mb = toMonomial(b);
  return ma.coef === mb.coef && sameAtoms(ma, mb);
}

/**
 * The value of a dim once its symbols are bound, e.g. evaluateDim("12*N", {N: 4}) = 48.
 * Null when a symbol is unbound or the expression is not one this module writes.
 */
export function evaluateDim(d: Dim, env: Record<string, number>): number | null {
  if (d === null || typeof d === 'number') return d;
  const s = d.trim();
  if (s in env) return env[s];
  if (/^\d+$/.test(s)) return Number(s);
  const inner = stripParens(s);
  if (inner !== s) return evaluateDim(inner, env);
  // Lowest precedence first: a sum splits at its last top-level + or -.
  let depth = 0;
  for (let i = s.length - 1; i > 0; i--) {
    const c = s[i];
    if (c === ')') depth++;
    else if (c === '(') depth--;
    else if (depth === 0 && (c === '+' || c === '-')) {
      const l = evaluateDim(s.slice(0, i), env);
      const r = evaluateDim(s.slice(i + 1), env);
      if (l === null || r === null) return null;
      return c === '+' ? l + r : l - r;
    }
  }
  const factors = splitTop(s, '*');
  if (factors.length > 1) {
    let p = 1;
    for (const f of factors) {
      const v = evaluateDim(f, env);
      if (v === null) return null;
      p *= v;
    }
    return p;
  }
  return null;
}
