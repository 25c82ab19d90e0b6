// The studio's side of the Try panel: each request runs in a fresh worker process, a few at a
// time (each holds onnxruntime, a model and perhaps a dataset).
import { GraftError } from '../../core/errors.js';
import { forkLauncher, requestOnce, type WorkerLauncher, WorkerSlots, workerEntry } from '../worker-process.js';
import type { TryAnswer, TryReply, TryRequest } from './predict.js';

export const trySlots = new WorkerSlots('model tries', 2, 16);
/** The worker's JavaScript heap: a dataset's images (Fashion-MNIST is 55 MB of bytes) fit. */
const TRY_HEAP_MB = 2048;

export async function tryInWorker(req: TryRequest, opts: { launcher?: WorkerLauncher; timeoutMs?: number } = {}): Promise<TryAnswer> {
  const release = await trySlots.acquire();
  try {
    const reply = await requestOnce<TryReply>(opts.launcher ?? forkLauncher, workerEntry('predict'), req, opts.timeoutMs ?? 120_000, 'trying the model', { maxHeapMb: TRY_HEAP_MB });
    if (!reply.ok) throw new GraftError(reply.code, reply.message);
    return reply.answer;
  } finally {
    release();
  }
}
