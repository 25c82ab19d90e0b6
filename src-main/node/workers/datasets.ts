// Worker entry: dataset previews (opening a dataset as a run would, drawing samples). Runs in a
// process of its own (see studio/dataset-worker.ts) so that a huge or hostile dataset holds up
// and fills this process, never the server that answers every client.
import { throttleProgress } from '../data/index.js';
import { DatasetPreviews } from '../studio/datasets.js';
import type { PreviewProgress, PreviewReply, PreviewRequest } from '../studio/dataset-worker.js';
import { ModelFiles } from '../studio/model-files.js';
import { onParentMessage, sendToParent } from './parent.js';

const previews = new DatasetPreviews(new ModelFiles());

async function answer(req: PreviewRequest): Promise<PreviewReply> {
  // Counts go out as the work advances, a few a second: the Data tab shows them while it waits.
  const progress = throttleProgress((p) => sendToParent({ id: req.id, progress: p } satisfies PreviewProgress), req.progressMs);
  try {
    const result = req.method === 'view' ? await previews.view(...req.args, progress) : await previews.samples(...req.args, progress);
    return { id: req.id, ok: true, result };
  } catch (e) {
    const code = (e as { code?: unknown }).code;
    return { id: req.id, ok: false, error: { code: typeof code === 'string' && code ? code : 'internal', message: e instanceof Error ? e.message : String(e) } };
  }
}

onParentMessage((message) => {
  void answer(message as PreviewRequest).then((reply) => sendToParent(reply));
});
