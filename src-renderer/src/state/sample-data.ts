// Whether the dataset in use is still the sample the studio loaded on start, as its note on the
// Data tab describes it: the same files read the same way (the note names the classes and the
// per-class cap, so opening the same folder with all its classes is no longer "the sample").
import type { DataOptions } from '../../../src-main/api/contract.js';

export function isInitialSample(data: { path: string; options: DataOptions }, initial: { path: string; options: DataOptions } | null): boolean {
  if (!initial || data.path !== initial.path) return false;
  const classes = (o: DataOptions) => JSON.stringify(o.classes ?? null);
  return classes(data.options) === classes(initial.options) && data.options.perClassLimit === initial.options.perClassLimit;
}
