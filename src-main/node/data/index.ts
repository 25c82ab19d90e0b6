// The datasets module's front door: the registry and the adapter interface.
export { detectDatasetKind, openDataset } from './open-dataset.js';
export { FASHION_MNIST_CLASSES } from './idx-dataset.js';
export { DEFAULT_MAX_PIXELS } from './image-probe.js';
export { DEFAULT_MEMORY_BUDGET_BYTES } from './image-folder.js';
export type * from './types.js';
export { SPLITS } from './types.js';
export { NO_PROGRESS, type ProgressSink, throttleProgress } from './progress.js';
