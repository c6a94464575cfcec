// When the trainer writes checkpoints: every `everySteps` steps (at multiples of it, so a run
// with the same config saves at the same steps), every `everySeconds` of wall time since the
// last save, and on Pause, Stop and at the end (the session asks). A failed write is reported
// with the step of the checkpoint that is still intact; training goes on.
import type { ClipLabDatabase } from '../data/db';
import { DEFAULT_AUTOSAVE } from '../config/defaults';
import type { Report } from '../protocol/trainer';
import { describeWriteError } from '../train/checkpointStore';
import type { Run } from '../train/run';
import { saveRun } from '../train/runStorage';

export class Autosave {
  private lastAt = performance.now();
  /** Step of the run's newest stored checkpoint (null: none yet). */
  private lastSaved: number | null = null;
  /** The save in progress (saves run one at a time; a run is disposed only after its save). */
  private pending: Promise<void> = Promise.resolve();
  /** Evaluations in the history when it was written (an evaluation after it makes a save worth writing). */
  private savedEvals = 0;

  constructor(
    private readonly db: () => Promise<ClipLabDatabase>,
    private readonly post: (r: Report) => void,
  ) {}

  /** A new run (lastSaved null) or one resumed from its checkpoint at run.step. */
  reset(run: Run): void {
    this.lastAt = performance.now();
    this.lastSaved = run.step > 0 ? run.step : null;
    this.savedEvals = run.history.evals.length;
  }

  /** Whether the stored checkpoint already holds the run as it is now. */
  private current(run: Run): boolean {
    return run.step === this.lastSaved && run.history.evals.length === this.savedEvals;
  }

  due(run: Run): boolean {
    const { everySteps, everySeconds } = run.config.autosave ?? DEFAULT_AUTOSAVE;
    if (run.step === this.lastSaved) return false;
    if (everySteps > 0 && run.step % everySteps === 0) return true;
    return everySeconds > 0 && performance.now() - this.lastAt >= everySeconds * 1000;
  }

  /** Writes a checkpoint after any save in progress (Pause and Stop may overlap). */
  save(run: Run, reason: string): Promise<void> {
    this.pending = this.pending.then(() => this.write(run, reason));
    return this.pending;
  }

  /** Resolves when no save is in progress. */
  idle(): Promise<void> {
    return this.pending;
  }

  private async write(run: Run, reason: string): Promise<void> {
    if (this.current(run)) return;
    const t0 = performance.now();
    const base = { type: 'checkpoint' as const, runId: run.id, step: run.step, reason };
    try {
      const model = await saveRun(await this.db(), run);
      this.lastSaved = run.step;
      this.savedEvals = run.history.evals.length;
      this.post({ ...base, ok: true, bytes: model.bytes, ms: performance.now() - t0 });
    } catch (e) {
      const kept = this.lastSaved === null ? 'there is no earlier checkpoint of this run' : `the checkpoint at step ${this.lastSaved} is intact`;
      this.post({ ...base, ok: false, bytes: 0, ms: performance.now() - t0, error: `Checkpoint at step ${run.step} not saved: ${describeWriteError(e)}; ${kept}` });
    } finally {
      this.lastAt = performance.now();
    }
  }
}
