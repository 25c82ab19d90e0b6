// Worker entry: probes one model, or the execution providers, and answers once. Runs in its
// own process (see worker-process.ts) so that a model or a GPU driver that crashes
// onnxruntime cannot crash the studio.
import { probeModel } from '../probe/probe-session.js';
import { probeDevices } from '../train/devices.js';
import { onParentMessage, sendToParent } from './parent.js';

let handled = false;
onParentMessage(async (message) => {
  if (handled) return;
  handled = true;
  const request = message as { path: string } | { devices: true };
  const result = 'devices' in request ? await probeDevices() : await probeModel(request.path);
  sendToParent(result, () => process.exit(0));
});
