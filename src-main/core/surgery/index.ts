// Surgery: edits as records, replayed from the original model into an edited inference
// graph and the set of parameters to train.
export type {
  Edit,
  EditKind,
  FreezeEdit,
  FreezePreset,
  FreezePresetEdit,
  InsertDropoutEdit,
  RemoveSoftmaxEdit,
  SwapHeadEdit,
  UnfreezeEdit,
} from './edits.js';
export { changesGraph, checkEdit } from './edits.js';
export { applyEdits, type SurgeryResult } from './apply.js';
export { removeTrailingSoftmax, restoreSoftmax, type RemovedSoftmax } from './softmax.js';
export { swapHead, type SwapHeadOptions, type SwapHeadOutcome } from './swap-head.js';
export { swapCell, recurrentNodes, recurrentInit, type SwapCellOptions, type SwapCellOutcome, type CellKind } from './swap-cell.js';
export { insertDropoutAfter, addDropout } from './dropout.js';
export { headBlockPath, presetBlocks, frozenBlockPaths } from './freeze.js';
export { torchLinearInit } from './linear.js';
export { CLASS_NAMES_KEY, GRAFT_EDITS_KEY, PREPROCESSING_KEY } from './metadata.js';
