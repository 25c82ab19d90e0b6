// Models as the graph editor sees them: the file's model with the user's edit list replayed,
// described for drawing, with what the edits froze. The description of the last
// graph-changing edit prefix is kept, so a freeze toggle on a 1,000-node model replays the
// freezing only, not the description.
import { basename } from 'node:path';
import type { ModelView } from '../../api/contract.js';
import type { Graph } from '../../core/ir/graph.js';
import { graphFromModel } from '../../core/ir/proto.js';
import { applyEdits, changesGraph, type Edit } from '../../core/surgery/index.js';
import { describeModel } from '../../core/view/model-view.js';
import { surgeryView } from '../../core/view/surgery-view.js';
import type { ModelFile } from '../model-file.js';
import type { ModelFiles } from './model-files.js';

interface Described {
  file: ModelFile;
  /** The graph-changing edits, as JSON: the key of this description. */
  key: string;
  view: Omit<ModelView, 'surgery'>;
  graph: Graph;
  blockOfNode: Map<string, string>;
}

export class ModelViews {
  private described: Described | null = null;

  constructor(private readonly files: ModelFiles) {}

  async open(path: string, edits: readonly Edit[] = []): Promise<ModelView> {
    const file = await this.files.get(path);
    const result = applyEdits(file.model, edits);
    const key = JSON.stringify(edits.filter(changesGraph));
    let d = this.described;
    if (!d || d.file !== file || d.key !== key) {
      const graph = graphFromModel(result.model, basename(file.path));
      const { unresolvedShapes: _unused, ...view } = describeModel(result.model, graph, { path: file.path, fileName: basename(file.path), fileBytes: file.fileBytes });
      d = this.described = { file, key, view, graph, blockOfNode: new Map(view.nodes.map((n) => [n.id, n.block])) };
    }
    const blockOf = d.blockOfNode;
    return { ...d.view, surgery: surgeryView(d.graph, (id) => blockOf.get(id) ?? '', edits, result) };
  }
}
