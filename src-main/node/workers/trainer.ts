// Worker entry: runs one training run and streams its events to the parent. Lives in its own
// process (child_process.fork, or Electron's utilityProcess) so that a crash or a blocking
// onnxruntime call never freezes or kills the studio.
import type { TrainConfig, TrainEvent } from '../../api/training.js';
import { runTraining } from '../train/run.js';
import { runtimeMessage } from '../runtime-errors.js';
import { onParentMessage, sendToParent } from './parent.js';

export type TrainerCommand = { type: 'start'; config: TrainConfig } | { type: 'pause' } | { type: 'resume' } | { type: 'stop' };

let paused = false;
let stopping = false;
let wake: (() => void) | null = null;

function send(event: TrainEvent): void {
  sendToParent(event);
}

onParentMessage((message) => {
  const cmd = message as TrainerCommand;
  switch (cmd.type) {
    case 'start':
      runTraining(cmd.config, {
        emit: send,
        async checkpointBoundary() {
          while (paused && !stopping) await new Promise<void>((r) => (wake = r));
          return stopping;
        },
      }).then(
        () => sendToParent({ event: 'log', message: 'trainer finished' } satisfies TrainEvent, () => process.exit(0)),
        (e: unknown) => {
          const err = e as { code?: string; message?: string };
          sendToParent({ event: 'error', code: err.code ?? 'internal', message: runtimeMessage(err.message ?? e) } satisfies TrainEvent, () => process.exit(1));
        },
      );
      break;
    case 'pause':
      paused = true;
      break;
    case 'resume':
      paused = false;
      wake?.();
      break;
    case 'stop':
      stopping = true;
      wake?.();
      break;
  }
});
