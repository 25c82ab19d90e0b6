// The parent's handle on a trainer process: start a run, pause, resume, stop; its events
// arrive through `onEvent`; its death (a crash, a kill) is reported, never propagated.
import type { TrainConfig, TrainEvent } from '../../api/training.js';
import type { TrainerCommand } from '../workers/trainer.js';
import { forkLauncher, type WorkerChannel, type WorkerLauncher, workerEntry } from '../worker-process.js';

export interface TrainerExit {
  code: number | null;
  signal: string | null;
  /** Set when the process ended without a 'done' or 'error' event. */
  crashed: boolean;
}

export class TrainerProcess {
  readonly exited: Promise<TrainerExit>;
  private finished = false;

  private constructor(
    private readonly worker: WorkerChannel,
    onEvent: (e: TrainEvent) => void,
  ) {
    this.exited = new Promise((resolve) => {
      worker.onMessage((m) => {
        const e = m as TrainEvent;
        if (e.event === 'done' || e.event === 'error') this.finished = true;
        onEvent(e);
      });
      worker.onExit((code, signal) => resolve({ code, signal, crashed: !this.finished }));
    });
  }

  static start(config: TrainConfig, onEvent: (e: TrainEvent) => void, launcher: WorkerLauncher = forkLauncher): TrainerProcess {
    const t = new TrainerProcess(launcher(workerEntry('trainer')), onEvent);
    t.send({ type: 'start', config });
    return t;
  }

  private send(cmd: TrainerCommand): void {
    this.worker.send(cmd);
  }

  pause(): void {
    this.send({ type: 'pause' });
  }

  resume(): void {
    this.send({ type: 'resume' });
  }

  /** Stops at the next batch boundary; the last checkpoint stays as it was. */
  stop(): void {
    this.send({ type: 'stop' });
  }

  kill(): void {
    this.worker.kill();
  }
}
