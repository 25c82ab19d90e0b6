// Worker entry: probes one model and answers once. Runs in its own process (see
// worker-process.ts) so that a model that crashes onnxruntime cannot crash the studio.
import { probeModel } from '../probe/probe-session.js';
import { onParentMessage, sendToParent } from './parent.js';

let handled = false;
onParentMessage(async (message) => {
  if (handled) return;
  handled = true;
  const result = await probeModel((message as { path: string }).path);
  sendToParent(result, () => process.exit(0));
});
