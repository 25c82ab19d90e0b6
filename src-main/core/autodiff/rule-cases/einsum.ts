// Cases for Einsum, as exporters write it.
import { f, type GradCase } from './case.js';

export const cases: GradCase[] = [
  { name: 'Einsum attention bhqd,bhkd->bhqk', op: 'Einsum', opset: 12, attrs: { equation: 'bhqd,bhkd->bhqk' }, inputs: [f([1, 2, 3, 4]), f([1, 2, 3, 4])] },
  { name: 'Einsum implicit output ij,jk', op: 'Einsum', attrs: { equation: 'ij,jk' }, inputs: [f([2, 3]), f([3, 4])] },
  { name: 'Einsum ellipsis ...ij,jk->...ik', op: 'Einsum', attrs: { equation: '...ij,jk->...ik' }, inputs: [f([2, 2, 3]), f([3, 2])] },
  { name: 'Einsum one operand transpose', op: 'Einsum', attrs: { equation: 'ijk->kij' }, inputs: [f([2, 3, 4])] },
];
