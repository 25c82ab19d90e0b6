// The one table of shape rules, keyed by op type (default ONNX domain).
import type { ShapeRule } from '../context.js';
import { convPoolRules } from './conv-pool.js';
import { elementwiseRules } from './elementwise.js';
import { indexingOpRules } from './indexing-ops.js';
import { linalgRules } from './linalg.js';
import { normalizationRules } from './normalization.js';
import { recurrentRules } from './recurrent.js';
import { reduceRules } from './reduce.js';
import { resizeRules } from './resize.js';
import { shapeOpRules } from './shape-ops.js';
import { tensorOpRules } from './tensor-ops.js';

export const SHAPE_RULES: ReadonlyMap<string, ShapeRule> = new Map(
  Object.entries({
    ...elementwiseRules,
    ...convPoolRules,
    ...linalgRules,
    ...tensorOpRules,
    ...indexingOpRules,
    ...shapeOpRules,
    ...reduceRules,
    ...normalizationRules,
    ...recurrentRules,
    ...resizeRules,
  }),
);
