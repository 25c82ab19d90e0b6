// Blocks: the editor's unit. The hierarchy of a model, its trainable parameters, its
// classification head and its recurrent layers.
export type { Block, BlockKind, BlockTree, HeadInfo, RecurrentInfo, TensorInfo } from './types.js';
export { countParams, parameterValues, parameterConsumers, nodeParameters, initializerBehind } from './params.js';
export { buildBlockTree, type BlockTreeOptions } from './build.js';
export { detectHead, matchHead, type HeadMatch } from './head.js';
export { recurrentNodes } from './recurrent.js';
export { findUnits, type ForkJoinUnit } from './units.js';
export { headAndLastStages, headBlockOf, paramsOfBlocks } from './select.js';
