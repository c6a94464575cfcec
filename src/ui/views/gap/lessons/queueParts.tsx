// What the queued-run lessons share: the base config of their runs (the sidebar's dataset and model,
// short, recorded often, no evaluations between), a fixed temperature, the steps field, the queue's
// state (progress, error) and its Train / progress-and-Stop control.
import { useState } from 'react';
import type { TrainConfig } from '../../../../config/types';
import { fmtInt } from '../../../format';
import { runQueue, stopQueue, type LessonRunResult, type LessonRunSpec, type QueueProgress } from './lessonRuns';

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

/** The run with its temperature τ held fixed: t = ln(1/τ) (within [0, 10]), not learned. */
export function withFixedTemperature(c: TrainConfig, tau: number): TrainConfig {
  const t = Math.min(10, Math.max(0, Math.log(1 / tau)));
  return { ...c, model: { ...c.model, initLogitScale: t, maxLogitScale: Math.max(c.model.maxLogitScale, t), learnLogitScale: false } };
}

/** A lesson's queue: `start` runs the specs and hands the results to `done`; progress and the error as state. */
export function useLessonQueue() {
  const [progress, setProgress] = useState<QueueProgress | null>(null);
  const [error, setError] = useState<string | null>(null);
  const start = (specs: readonly LessonRunSpec[], done: (r: LessonRunResult[]) => void) => {
    setError(null);
    runQueue(specs, setProgress)
      .then(done)
      .catch((e: unknown) => setError(e instanceof Error ? e.message : String(e)))
      .finally(() => setProgress(null));
  };
  return { progress, error, start };
}

/** The Train button, or while the queue runs its progress and Stop; then the queue's error. */
export function QueueControl({ progress, error, label, disabled, onRun }: { progress: QueueProgress | null; error: string | null; label: string; disabled?: boolean; onRun: () => void }) {
  return (
    <>
      {progress ? (
        <QueueLine progress={progress} />
      ) : (
        <button type="button" className="btn btn-primary" disabled={disabled} onClick={onRun}>
          {label}
        </button>
      )}
      {error ? <span className="error-text">{error}</span> : null}
    </>
  );
}

export function StepsField({ value, onChange, disabled }: { value: number; onChange: (v: number) => void; disabled?: boolean }) {
  return (
    <label className="field-inline">
      steps per run
      <input className="lesson-seeds lesson-steps" type="number" min={10} max={20000} step={10} value={value} disabled={disabled} onChange={(e) => onChange(Math.max(10, Math.round(Number(e.target.value) || 10)))} aria-label="Steps per run" />
    </label>
  );
}

function QueueLine({ progress }: { progress: QueueProgress | null }) {
  if (!progress) return null;
  return (
    <span className="field-inline" role="status">
      run {progress.run} of {progress.runs} ({progress.label}): step {fmtInt(progress.step)} / {fmtInt(progress.totalSteps)}
      <button type="button" className="btn btn-small" onClick={stopQueue}>
        Stop
      </button>
    </span>
  );
}
