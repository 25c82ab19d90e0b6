// Worker entry: probes one model and answers once. Runs in its own process (see
// worker-process.ts) so that a model that crashes onnxruntime cannot crash the studio.
import { probeModel } from '../probe/probe-session.js';

process.once('message', async (request: { path: string }) => {
  const result = await probeModel(request.path);
  process.send?.(result, () => process.exit(0));
});
