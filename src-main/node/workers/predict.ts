// Worker entry: runs a trained model on the Try panel's inputs and answers once. Its own
// process, as training's, so a blocking session or a crashing model never touches the studio.
import { runtimeMessage } from '../runtime-errors.js';
import { type TryReply, type TryRequest, tryModel } from '../try/predict.js';
import { onParentMessage, sendToParent } from './parent.js';

let handled = false;
onParentMessage(async (message) => {
  if (handled) return;
  handled = true;
  let reply: TryReply;
  try {
    reply = { ok: true, answer: await tryModel(message as TryRequest) };
  } catch (e) {
    const err = e as { code?: string; message?: string };
    reply = { ok: false, code: err.code ?? 'internal', message: runtimeMessage(err.message ?? e) };
  }
  sendToParent(reply, () => process.exit(0));
});
