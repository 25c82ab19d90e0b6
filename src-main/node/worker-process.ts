// Starting the engine's worker processes (model probe, later the trainer). Sessions never
// run in the UI's process: a blocking run or a crashing model must not take the app down.
import { fork, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { delimiter, dirname, join } from 'node:path';
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
  /**
   * Address-space cap in MiB for the whole process, native memory included (RLIMIT_AS, set by
   * util-linux's `prlimit` as it starts the worker). Only where `addressSpaceCapper()` finds
   * prlimit (Linux); elsewhere, and under Electron's utilityProcess, the worker runs without it.
   */
  maxAddressSpaceMb?: number;
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

let prlimit: string | null | undefined;

/** util-linux's prlimit on PATH (Linux only), or null: what caps a worker's address space. */
export function addressSpaceCapper(): string | null {
  if (prlimit === undefined) {
    const dirs = [...(process.env.PATH ?? '').split(delimiter), '/usr/bin', '/bin'].filter(Boolean);
    prlimit = process.platform === 'linux' ? (dirs.map((d) => join(d, 'prlimit')).find((p) => existsSync(p)) ?? null) : null;
  }
  return prlimit;
}

/**
 * Plain Node: child_process.fork, with the tsx loader when the entry is TypeScript. With an
 * address-space cap the same Node runs under prlimit, which sets the limit and then becomes
 * Node (exec), so the IPC channel and the process id are the worker's own.
 */
export const forkLauncher: WorkerLauncher = (entry, options) => {
  const execArgv = workerExecArgv(entry, options);
  const capMb = options?.maxAddressSpaceMb;
  const capper = capMb ? addressSpaceCapper() : null;
  const stdio = ['ignore', 'inherit', 'inherit', 'ipc'] as const;
  const child =
    capper && capMb
      ? // WebAssembly reserves gigabytes of address space per instance (guard regions), which
        // no cap allows; workers use none (onnxruntime and sharp are native), so it is off.
        spawn(capper, [`--as=${capMb * 2 ** 20}`, '--', process.execPath, '--no-expose-wasm', ...execArgv, entry], { stdio: [...stdio], serialization: 'advanced' })
      : fork(entry, [], { execArgv, stdio: [...stdio], serialization: 'advanced' });
  // A send to a worker that has just died emits 'error'; unheard, that would end the server.
  // Its 'exit' follows and says what happened.
  child.on('error', () => {});
  return {
    send: (m) => void child.send(m as never, undefined, undefined, () => {}),
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
