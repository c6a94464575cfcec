// What the queued-run lessons share: the base config of their runs (the sidebar's dataset and model,
// short, recorded often, no evaluations between), the steps field, and the queue's progress line.
import type { TrainConfig } from '../../../../config/types';
import { fmtInt } from '../../../format';
import type { QueueProgress } from './lessonRuns';
import { stopQueue } from './lessonRuns';

/** Recordings per lesson run (step 0 included). */
export const LESSON_RECORDINGS = 6;

export function lessonConfig(base: TrainConfig, steps: number): TrainConfig {
  const c = structuredClone(base);
  c.steps = steps;
  c.evalEvery = 0;
  c.gapEvery = Math.max(1, Math.round(steps / (LESSON_RECORDINGS - 1)));
  c.optim.warmupSteps = Math.min(c.optim.warmupSteps, Math.floor(steps / 5));
  return c;
}

export function StepsField({ value, onChange, disabled }: { value: number; onChange: (v: number) => void; disabled?: boolean }) {
  return (
    <label className="inline-field">
      steps per run
      <input className="lesson-seeds lesson-steps" type="number" min={10} max={20000} step={10} value={value} disabled={disabled} onChange={(e) => onChange(Math.max(10, Math.round(Number(e.target.value) || 10)))} aria-label="Steps per run" />
    </label>
  );
}

export function QueueLine({ progress }: { progress: QueueProgress | null }) {
  if (!progress) return null;
  return (
    <span className="inline-field" role="status">
      run {progress.run} of {progress.runs} ({progress.label}): step {fmtInt(progress.step)} / {fmtInt(progress.totalSteps)}
      <button type="button" className="btn btn-small" onClick={stopQueue}>
        Stop
      </button>
    </span>
  );
}
