// The Compare table's "Data" cell: the same words for a run whatever its state, and classes by
// their names (as the run trained them), not by their indices in the source.
import type { RunRecord } from '../../../../src-main/api/contract.js';
import { datasetName } from '../../api/uploads.js';
import { exactCount } from '../../format.js';

/** Names up to this many; beyond, a count reads better in a table cell. */
const NAMED = 6;

export function dataUsed(r: RunRecord): string {
  const { path, options } = r.config.data;
  const parts = [datasetName(path)];
  const names = r.start?.classes ?? null;
  if (names && names.length <= NAMED) parts.push(names.join(', '));
  else if (names) parts.push(`${names.length} classes`);
  else if (options.classes) parts.push(`${options.classes.length} classes`);
  if (options.perClassLimit) parts.push(`≤${exactCount(options.perClassLimit)} per class`);
  if (r.start) parts.push(`${exactCount(r.start.samples.train)} train`);
  return parts.join(' · ');
}
