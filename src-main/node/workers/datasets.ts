// Worker entry: dataset previews (opening a dataset as a run would, drawing samples). Runs in a
// process of its own (see studio/dataset-worker.ts) so that a huge or hostile dataset holds up
// and fills this process, never the server that answers every client.
import { DatasetPreviews } from '../studio/datasets.js';
import type { PreviewReply, PreviewRequest } from '../studio/dataset-worker.js';
import { ModelFiles } from '../studio/model-files.js';
import { onParentMessage, sendToParent } from './parent.js';

const previews = new DatasetPreviews(new ModelFiles());

async function answer(req: PreviewRequest): Promise<PreviewReply> {
  try {
    const result = req.method === 'view' ? await previews.view(...req.args) : await previews.samples(...req.args);
    return { id: req.id, ok: true, result };
  } catch (e) {
    const code = (e as { code?: unknown }).code;
    return { id: req.id, ok: false, error: { code: typeof code === 'string' && code ? code : 'internal', message: e instanceof Error ? e.message : String(e) } };
  }
}

onParentMessage((message) => {
  void answer(message as PreviewRequest).then((reply) => sendToParent(reply));
});
