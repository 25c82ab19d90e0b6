// The parent's handle on a trainer process: start a run, pause, resume, stop; its events
// arrive through `onEvent`; its death (a crash, a kill) is reported, never propagated.
import type { TrainConfig, TrainEvent } from '../../api/training.js';
import type { TrainerCommand } from '../workers/trainer.js';
import { forkLauncher, type WorkerChannel, type WorkerLauncher, WorkerSlots, workerEntry } from '../worker-process.js';

/** Trainer processes at once, across all projects and clients; one more is refused by name. */
export const trainerSlots = new WorkerSlots('training runs', 4, 0);

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

  /** Throws WorkerError 'too-many-workers' when trainerSlots are all taken. */
  static start(config: TrainConfig, onEvent: (e: TrainEvent) => void, launcher: WorkerLauncher = forkLauncher): TrainerProcess {
    const release = trainerSlots.take();
    let t: TrainerProcess;
    try {
      t = new TrainerProcess(launcher(workerEntry('trainer')), onEvent);
    } catch (e) {
      release();
      throw e;
    }
    void t.exited.then(release);
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
