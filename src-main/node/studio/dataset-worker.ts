// Dataset previews in a worker process of their own. Opening a dataset parses CSV text,
// inflates IDX files and decodes images: seconds of work and up to gigabytes for a large or
// hostile file. On the server's thread that stalled every client; here it holds up only other
// previews, under a memory cap, and a preview that runs too long is stopped.
import type { DataOptions, DatasetProgress, DatasetView, SampleView } from '../../api/studio-types.js';
import { GraftError } from '../../core/errors.js';
import type { Split } from '../data/types.js';
import { addressSpaceCapper, forkLauncher, type WorkerChannel, type WorkerLauncher, workerEntry } from '../worker-process.js';

/** The worker's JavaScript heap (parsed CSV rows, sample lists). */
const PREVIEW_HEAP_MB = 3072;
/**
 * Its whole address space: Node's own reservations (about 1.6 GiB under tsx), an IDX file of
 * up to 1 GiB once inflated or 512 MiB of CSV text, and their decoded copies.
 */
export const PREVIEW_ADDRESS_SPACE_MB = 6144;
export const PREVIEW_TIMEOUT_MS = 120_000;

/** How often a request's progress is sent at most (a few times a second, as a run's). */
export const PREVIEW_PROGRESS_MS = 250;

export type PreviewRequest = { id: number; progressMs: number } & (
  | { method: 'view'; args: [path: string, modelPath: string, options: DataOptions] }
  | { method: 'samples'; args: [path: string, modelPath: string, options: DataOptions, split: Split, indices: number[]] }
);
export type PreviewReply = { id: number; ok: true; result: unknown } | { id: number; ok: false; error: { code: string; message: string } };
/** How a request advances, sent (throttled) before its reply. */
export type PreviewProgress = { id: number; progress: DatasetProgress };
/** Hears a request's progress. */
export type OnPreviewProgress = (p: DatasetProgress) => void;

export interface DatasetWorkerOptions {
  launcher?: WorkerLauncher;
  timeoutMs?: number;
  /** The address-space cap in MiB (PREVIEW_ADDRESS_SPACE_MB unless a test asks for less). */
  addressSpaceMb?: number;
  /** PREVIEW_PROGRESS_MS unless a test asks for every report. */
  progressMs?: number;
}

interface Pending {
  onProgress?: OnPreviewProgress;
  resolve(value: unknown): void;
  reject(err: Error): void;
  timer: ReturnType<typeof setTimeout>;
}

interface Running {
  channel: WorkerChannel;
  pending: Map<number, Pending>;
  /** Why it was stopped, for the calls still waiting on it. */
  stopped: string | null;
}

/** What running out of the capped address space or heap looks like from inside the worker. */
const OUT_OF_MEMORY = /allocation failed|out of memory|cannot allocate|bad_alloc|Array buffer allocation/i;

export class DatasetWorker {
  private running: Running | null = null;
  private nextId = 1;

  constructor(private readonly opts: DatasetWorkerOptions = {}) {}

  view(path: string, modelPath: string, options: DataOptions, onProgress?: OnPreviewProgress): Promise<DatasetView> {
    return this.call({ id: this.nextId++, progressMs: this.progressMs, method: 'view', args: [path, modelPath, options] }, onProgress) as Promise<DatasetView>;
  }

  samples(path: string, modelPath: string, options: DataOptions, split: Split, indices: number[], onProgress?: OnPreviewProgress): Promise<SampleView[]> {
    return this.call({ id: this.nextId++, progressMs: this.progressMs, method: 'samples', args: [path, modelPath, options, split, indices] }, onProgress) as Promise<SampleView[]>;
  }

  /** Starts the worker ahead of the first preview (a process start and its imports take seconds). */
  warm(): void {
    this.running ??= this.start();
  }

  /** Stops the worker (the studio is closing); waiting previews fail. */
  close(): void {
    if (this.running) this.stop(this.running, 'the studio closed');
  }

  private get progressMs(): number {
    return this.opts.progressMs ?? PREVIEW_PROGRESS_MS;
  }

  private get capMb(): number {
    return this.opts.addressSpaceMb ?? PREVIEW_ADDRESS_SPACE_MB;
  }

  private call(req: PreviewRequest, onProgress?: OnPreviewProgress): Promise<unknown> {
    const w = (this.running ??= this.start());
    const timeoutMs = this.opts.timeoutMs ?? PREVIEW_TIMEOUT_MS;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        w.pending.delete(req.id);
        reject(new GraftError('preview-timeout', `the preview of ${req.args[0]} took longer than ${Math.round(timeoutMs / 1000)} s and was stopped`));
        this.stop(w, 'another preview took too long and was stopped with it; try again');
      }, timeoutMs);
      w.pending.set(req.id, { onProgress, resolve, reject, timer });
      w.channel.send(req);
    });
  }

  private start(): Running {
    const launcher = this.opts.launcher ?? forkLauncher;
    const channel = launcher(workerEntry('datasets'), { maxHeapMb: PREVIEW_HEAP_MB, maxAddressSpaceMb: this.capMb });
    const w: Running = { channel, pending: new Map(), stopped: null };
    const capped = launcher === forkLauncher && addressSpaceCapper() !== null;
    channel.onMessage((message) => {
      const reply = message as PreviewReply | PreviewProgress;
      const p = w.pending.get(reply.id);
      if (!p) return;
      if ('progress' in reply) {
        p.onProgress?.(reply.progress);
        return;
      }
      w.pending.delete(reply.id);
      clearTimeout(p.timer);
      if (reply.ok) p.resolve(reply.result);
      else if (capped && OUT_OF_MEMORY.test(reply.error.message)) p.reject(this.tooLarge());
      else p.reject(new GraftError(reply.error.code, reply.error.message));
    });
    channel.onExit((code, signal) => {
      if (this.running === w) this.running = null;
      const died = signal ? `died of ${signal}` : `exited with code ${code}`;
      for (const [, p] of w.pending) {
        clearTimeout(p.timer);
        if (w.stopped) p.reject(new GraftError('preview-stopped', `the dataset preview was stopped: ${w.stopped}`));
        // Killed by a signal mid-preview under the cap (V8 aborts when its heap is full, native
        // code when an allocation fails): almost always memory.
        else if (capped && signal) p.reject(this.tooLarge(died));
        else p.reject(new GraftError('preview-crashed', `the dataset preview crashed (its worker ${died})`));
      }
      w.pending.clear();
    });
    return w;
  }

  private tooLarge(died?: string): GraftError {
    const how = died ? ` (its worker ${died})` : '';
    return new GraftError('dataset-too-large', `previewing this dataset needs more than ${this.capMb / 1024} GiB of memory, the preview's limit${how}; use a smaller dataset or a subset of it`);
  }

  private stop(w: Running, why: string): void {
    w.stopped ??= why;
    if (this.running === w) this.running = null;
    w.channel.kill();
  }
}
