// Starting the engine's worker processes (model probe, later the trainer). Sessions never
// run in the UI's process: a blocking run or a crashing model must not take the app down.
import { fork } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** The two-way channel to a worker, whatever started it (child_process or utilityProcess). */
export interface WorkerChannel {
  send(message: unknown): void;
  onMessage(listener: (message: unknown) => void): void;
  /** Called once, with the exit code, or with the signal that killed the worker. */
  onExit(listener: (code: number | null, signal: string | null) => void): void;
  kill(): void;
}

export interface LaunchOptions {
  /** V8 heap cap in MB (--max-old-space-size); native memory (onnxruntime's) is not covered. */
  maxHeapMb?: number;
}

export type WorkerLauncher = (entry: string, options?: LaunchOptions) => WorkerChannel;

const here = dirname(fileURLToPath(import.meta.url));

/**
 * The file that runs worker `name`: the TypeScript source when the engine runs from source
 * (under tsx), or the bundled `<name>.js` next to this module in a build.
 */
export function workerEntry(name: string): string {
  const bundled = join(here, `${name}.js`);
  if (existsSync(bundled)) return bundled;
  return join(here, 'workers', `${name}.ts`);
}

/**
 * The Node flags a worker starts with. A TypeScript entry (running from source) needs tsx's
 * loader, named by its absolute URL: a bare `--import tsx` is resolved from the current
 * folder, so from anywhere but the repository (or after `npm link`) every worker died at
 * start. A build runs the bundled `.js` entries and needs no loader at all.
 */
export function workerExecArgv(entry: string, options: LaunchOptions = {}): string[] {
  const args = options.maxHeapMb ? [`--max-old-space-size=${options.maxHeapMb}`] : [];
  if (!entry.endsWith('.ts')) return args;
  const loader = createRequire(import.meta.url).resolve('tsx');
  return [...args, '--import', pathToFileURL(loader).href];
}

/** Plain Node: child_process.fork, with the tsx loader when the entry is TypeScript. */
export const forkLauncher: WorkerLauncher = (entry, options) => {
  const child = fork(entry, [], {
    execArgv: workerExecArgv(entry, options),
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    serialization: 'advanced',
  });
  return {
    send: (m) => child.send(m as never),
    onMessage: (l) => child.on('message', l),
    onExit: (l) => child.once('exit', (code, signal) => l(code, signal)),
    kill: () => child.kill('SIGKILL'),
  };
};

/**
 * Runs one request in a fresh worker and resolves with its single reply once the worker has
 * exited. The worker is killed
 * after `timeoutMs`; a crash or an early exit rejects with a sentence that says which.
 */
export function requestOnce<T>(launch: WorkerLauncher, entry: string, message: unknown, timeoutMs: number, what: string, options?: LaunchOptions): Promise<T> {
  return new Promise<T>((resolvePromise, reject) => {
    const worker = launch(entry, options);
    let settled = false;
    const finish = (fn: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      fn();
    };
    const timer = setTimeout(() => {
      finish(() => reject(new WorkerError('worker-timeout', `${what} took longer than ${Math.round(timeoutMs / 1000)} s and was stopped`)));
      worker.kill();
    }, timeoutMs);
    // The reply settles the request once the process is gone, so that a caller counting
    // processes (WorkerSlots) never sees more alive than it allowed.
    let replied: { reply: unknown } | null = null;
    worker.onMessage((reply) => {
      if (replied) return;
      replied = { reply };
      worker.kill();
    });
    worker.onExit((code, signal) =>
      finish(() => {
        if (replied) resolvePromise(replied.reply as T);
        else
          reject(
            new WorkerError(
              'worker-crashed',
              signal ? `${what} crashed (the worker process died of ${signal})` : `${what} ended without answering (exit code ${code})`,
            ),
          );
      }),
    );
    worker.send(message);
  });
}

export class WorkerError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'WorkerError';
  }
}

/**
 * A cap on worker processes of one kind. Each worker holds a few hundred MB (onnxruntime, a
 * model, a dataset), so a client that asks for hundreds of probes or runs at once must wait
 * in a short queue or be told no, never fork them all.
 */
export class WorkerSlots {
  private running = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(
    readonly what: string,
    readonly limit: number,
    readonly queueLimit: number,
  ) {}

  get inUse(): number {
    return this.running;
  }

  /** Takes a slot now or throws 'too-many-workers' (for work that cannot wait, like a run). */
  take(): () => void {
    if (this.running >= this.limit) {
      throw new WorkerError('too-many-workers', `${this.limit} ${this.what} are already running; wait for one to finish or stop one`);
    }
    this.running++;
    return this.releaser();
  }

  /** Waits for a slot (in a queue of at most queueLimit), then returns its release function. */
  async acquire(): Promise<() => void> {
    if (this.running < this.limit) return this.take();
    if (this.waiting.length >= this.queueLimit) {
      throw new WorkerError('too-many-workers', `${this.limit} ${this.what} are running and ${this.waiting.length} more are waiting; try again when they are done`);
    }
    await new Promise<void>((resolve) => this.waiting.push(resolve));
    return this.releaser();
  }

  private releaser(): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.waiting.shift();
      if (next) next(); // the slot passes straight to the next in line
      else this.running--;
    };
  }
}
