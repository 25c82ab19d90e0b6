// Training runs of the studio: each in its own trainer process, its events pushed to the UI as
// they come and folded into a run record that is stored with the project (curves, evaluation,
// export), so runs can be compared after a restart. A trainer that dies is reported; the
// studio stays up and the run's last checkpoint stays on disk.
import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { copyFile, mkdir, readFile, readdir, rm, stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import type { RunAction } from '../../api/contract.js';
import { foldTrainEvent, newRunRecord } from '../../api/run-fold.js';
import type { RunRecord, RunStatus, RunSummary, StudioEvent } from '../../api/studio-types.js';
import type { TrainConfig, TrainEvent } from '../../api/training.js';
import { GraftError } from '../../core/errors.js';
import { describeTraining } from '../../core/surgery/presets.js';
import { TrainerProcess } from '../train/trainer-process.js';
import type { WorkerLauncher } from '../worker-process.js';
import { writeJsonAtomic } from './workspace.js';

const RUN_FILE = 'run.json';
export const EXPORT_FILE = 'model.onnx';
/** Step points kept per stored run; beyond it every other one is dropped (curves keep their shape). */
const STORED = { maxSteps: 4000 };

interface LiveRun {
  record: RunRecord;
  dir: string;
  trainer: TrainerProcess;
  stopRequested: boolean;
  /** Writes of run.json, one after the other. */
  saving: Promise<void>;
}

/** "feature extraction · 5 epochs · adamw 0.003" from a run's settings and edits. */
export function runLabel(c: TrainConfig): string {
  const cells = c.edits.flatMap((e) => (e.kind === 'swap-cell' ? [e.cell] : []));
  const cell = cells.length ? `${cells[cells.length - 1]} · ` : '';
  return `${cell}${describeTraining(c.edits, c.reinit)} · ${c.epochs} epoch${c.epochs === 1 ? '' : 's'} · ${c.optimizer} ${c.lr}`;
}

/**
 * A run stored by an earlier version kept the data's options beside its path and the strategy
 * as fields: read it in today's shape (what trains is already in its label and its edits).
 */
function upgradedConfig(c: TrainConfig): TrainConfig {
  const old = c as unknown as { data: unknown; classes?: number[] | null; perClassLimit?: number | null; valFraction?: number; seed: number; edits: unknown; strategy?: unknown };
  // Runs stored before the batch-norm choice ran on running statistics.
  c = { ...c, batchnorm: c.batchnorm ?? 'frozen' };
  if (typeof old.data !== 'string') return c;
  const options = { classes: old.classes ?? null, perClassLimit: old.perClassLimit ?? null, valFraction: old.valFraction ?? 0.1, seed: old.seed };
  return { ...c, data: { path: old.data, options }, edits: Array.isArray(old.edits) ? c.edits : [], reinit: old.strategy === 'scratch' };
}

function newRunId(): string {
  return `${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
}

const FINISHED: ReadonlySet<RunStatus> = new Set(['done', 'stopped', 'failed', 'crashed']);

export class RunManager {
  private readonly live = new Map<string, LiveRun>();

  constructor(private readonly opts: { launcher?: WorkerLauncher; emit(e: StudioEvent): void }) {}

  /** Starts a run stored under `runsDir`; the engine decides where it writes. */
  async start(runsDir: string, config: TrainConfig): Promise<RunRecord> {
    const id = newRunId();
    const dir = join(runsDir, id);
    await mkdir(dir, { recursive: true });
    const full: TrainConfig = { ...config, checkpointDir: join(dir, 'ckpt'), exportPath: join(dir, EXPORT_FILE), resumeDir: null };
    return this.launch(newRunRecord(id, runLabel(config), full), dir, full);
  }

  /**
   * Continues a crashed run from its last checkpoint, under the same id: the epochs after the
   * checkpoint are dropped from the record and trained again.
   */
  async resume(runsDir: string, id: string): Promise<RunRecord> {
    if (this.live.has(id)) throw new GraftError('run-running', `run ${id} is still running`);
    const r = await this.read(runsDir, id);
    if (!r) throw new GraftError('run-not-found', `no run ${id} in this project`);
    const epoch = r.checkpointEpoch;
    if (r.status !== 'crashed' || epoch === null || !r.config.checkpointDir) {
      throw new GraftError('run-not-resumable', r.status !== 'crashed' ? `run ${id} did not crash (it is ${r.status})` : `run ${id} crashed before its first checkpoint; start it again`);
    }
    const config: TrainConfig = { ...r.config, resumeDir: r.config.checkpointDir };
    const record: RunRecord = { ...r, status: 'starting', error: null, done: null, evaluation: null, export: null, epochs: r.epochs.filter((e) => e.epoch <= epoch), steps: r.steps.filter((s) => s.epoch <= epoch) };
    return this.launch(record, join(runsDir, id), config);
  }

  private launch(record: RunRecord, dir: string, config: TrainConfig): RunRecord {
    const id = record.id;
    const run: LiveRun = { record, dir, trainer: null as unknown as TrainerProcess, stopRequested: false, saving: Promise.resolve() };
    run.trainer = TrainerProcess.start(config, (e) => this.onEvent(run, e), this.opts.launcher); // may refuse: too many runs
    this.live.set(id, run);
    void run.trainer.exited.then((exit) => {
      const r = run.record;
      if (!FINISHED.has(r.status)) {
        if (run.stopRequested) run.record = { ...r, status: 'stopped' };
        else {
          const how = exit.signal ? `was killed (${exit.signal})` : `exited with code ${exit.code}`;
          const kept = r.checkpointEpoch !== null ? `; the checkpoint of epoch ${r.checkpointEpoch} is kept` : '';
          const error = { code: 'trainer-crashed', message: `The trainer process ${how} before the run finished${kept}. The studio is still running.` };
          run.record = { ...r, status: 'crashed', error };
        }
        // A run that finished has said so with its last event already.
        this.statusChanged(run);
      }
      this.live.delete(id);
    });
    this.save(run);
    return record;
  }

  private onEvent(run: LiveRun, e: TrainEvent): void {
    const before = run.record.status;
    run.record = foldTrainEvent(run.record, e, STORED);
    if (run.record.status === 'failed' && run.stopRequested) run.record = { ...run.record, status: 'stopped' };
    this.opts.emit({ type: 'run', runId: run.record.id, event: e });
    if (e.event !== 'steps' && e.event !== 'log' && e.event !== 'gradflow' && e.event !== 'progress') this.save(run);
    if (run.record.status !== before) this.statusChanged(run);
  }

  private statusChanged(run: LiveRun): void {
    const r = run.record;
    this.opts.emit({ type: 'run-status', run: { id: r.id, status: r.status, error: r.error } });
    this.save(run);
  }

  private save(run: LiveRun): void {
    // Records are replaced, never changed in place: the current one is a consistent snapshot.
    const snapshot = run.record;
    run.saving = run.saving.then(() => writeJsonAtomic(join(run.dir, RUN_FILE), snapshot)).catch(() => {});
  }

  control(id: string, action: RunAction): RunSummary {
    const run = this.live.get(id);
    if (!run) throw new GraftError('run-not-running', `run ${id} is not running`);
    const { status } = run.record;
    if (action === 'pause') {
      run.trainer.pause();
      if (status === 'running') run.record = { ...run.record, status: 'paused' };
    } else if (action === 'resume') {
      run.trainer.resume();
      if (status === 'paused') run.record = { ...run.record, status: 'running' };
    } else {
      run.stopRequested = true;
      run.trainer.stop();
    }
    this.statusChanged(run);
    return { id, status: run.record.status, error: run.record.error };
  }

  /** Every run of the project, live ones as they are now, oldest first. */
  async list(runsDir: string): Promise<RunRecord[]> {
    const ids = await readdir(runsDir).catch(() => [] as string[]);
    const out: RunRecord[] = [];
    for (const id of ids) {
      const live = this.live.get(id);
      if (live) {
        out.push(live.record);
        continue;
      }
      const r = await this.read(runsDir, id);
      if (r) out.push(r);
    }
    return out.sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  }

  /** A stored run that no trainer of this studio has, as the UI should see it. */
  private async read(runsDir: string, id: string): Promise<RunRecord | null> {
    const r = await readFile(join(runsDir, id, RUN_FILE), 'utf8')
      .then((t) => JSON.parse(t) as RunRecord)
      .catch(() => null);
    if (!r) return null;
    r.config = upgradedConfig(r.config);
    if (!FINISHED.has(r.status)) {
      // Stored as running, but no trainer of this studio has it: the studio itself stopped.
      r.status = 'crashed';
      r.error = { code: 'studio-stopped', message: `The studio stopped while this run was training${r.checkpointEpoch !== null ? `; the checkpoint of epoch ${r.checkpointEpoch} is kept` : ''}.` };
    }
    return r;
  }

  /** A new label for a run, written into its stored record (a live run's next save keeps it). */
  async rename(runsDir: string, id: string, label: string): Promise<RunRecord> {
    const live = this.live.get(id);
    if (live) {
      live.record = { ...live.record, label };
      this.save(live);
      await live.saving;
      return live.record;
    }
    const r = await this.read(runsDir, id);
    if (!r) throw new GraftError('run-not-found', `no run ${id} in this project`);
    const renamed = { ...r, label };
    await writeJsonAtomic(join(runsDir, id, RUN_FILE), renamed);
    return renamed;
  }

  /** Deletes a run's folder: record, checkpoints and export. A live run must be stopped first. */
  async remove(runsDir: string, id: string): Promise<void> {
    if (this.live.has(id)) throw new GraftError('run-running', `run ${id} is still running; stop it before deleting it`);
    const dir = join(runsDir, id);
    if (!(await stat(join(dir, RUN_FILE)).catch(() => null))) throw new GraftError('run-not-found', `no run ${id} in this project`);
    await rm(dir, { recursive: true, force: true });
  }

  /** The verified export of a finished run. */
  async exportFile(runsDir: string, id: string): Promise<string> {
    const path = join(runsDir, id, EXPORT_FILE);
    const st = await stat(path).catch(() => null);
    if (!st) throw new GraftError('run-no-export', `run ${id} has no exported model (it did not finish)`);
    return path;
  }

  async exportTo(runsDir: string, id: string, to: string): Promise<{ path: string; bytes: number }> {
    const from = await this.exportFile(runsDir, id);
    const dest = resolve(to);
    // Never over an existing file (or through a link named like one): an export loses nothing.
    await copyFile(from, dest, constants.COPYFILE_EXCL).catch((e: NodeJS.ErrnoException) => {
      if (e.code === 'EEXIST') throw new GraftError('export-exists', `${dest} already exists; choose another file name`);
      if (e.code === 'ENOENT' || e.code === 'ENOTDIR') throw new GraftError('export-write', `${dirname(dest)} is not an existing folder`);
      if (e.code === 'EACCES' || e.code === 'EPERM') throw new GraftError('export-write', `${dest}: no permission to write there`);
      throw new GraftError('export-write', `${dest}: could not write (${e.message.replace(/^E[A-Z]+: /, '')})`);
    });
    return { path: dest, bytes: (await stat(dest)).size };
  }

  /** Stops every trainer (the studio is closing). */
  killAll(): void {
    for (const run of this.live.values()) run.trainer.kill();
  }
}
