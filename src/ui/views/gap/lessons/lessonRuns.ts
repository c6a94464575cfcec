// Queued short training runs for the lessons that compare runs (temperature, re-emergence,
// objectives): each run is configured and started in the trainer like a Start press (it replaces
// the run there and is kept in the run history), and what the lesson needs is read from the gap
// recordings of that run once it is done. One queue at a time; Stop ends the queue.
import type { TrainConfig } from '../../../../config/types';
import { withObjective } from '../../../../config/objectiveOf';
import type { GapSnapshotMetrics } from '../../../../protocol/gap';
import { beginRun } from '../../../applyReport';
import { useErrors } from '../../../stores/errorsStore';
import { useGap } from '../../../stores/gapStore';
import { useModelsStore } from '../../../stores/modelsStore';
import { useTelemetry } from '../../../stores/telemetryStore';
import { send } from '../../../trainerClient';

export interface LessonRunSpec {
  label: string;
  config: TrainConfig;
}

export interface LessonRunResult {
  label: string;
  config: TrainConfig;
  /** Recorded steps and their metrics, step 0 first. */
  steps: number[];
  metrics: GapSnapshotMetrics[];
  /** Zero-shot top-1 at the final evaluation (NaN without classes). */
  zeroShot: number;
}

export interface QueueProgress {
  run: number;
  runs: number;
  label: string;
  step: number;
  totalSteps: number;
}

export class QueueStopped extends Error {
  constructor() {
    super('Stopped');
  }
}

let active: { stopped: boolean } | null = null;

/** Stops the queue and the run in the trainer. */
export function stopQueue(): void {
  if (!active) return;
  active.stopped = true;
  send({ type: 'stop' });
}

/**
 * Resolves when `ready()` holds after a store change (checked at once, too); rejects on stop, or on an
 * error reported after the wait began (a state of 'error' left from before does not count).
 */
function until(ready: () => boolean, token: { stopped: boolean }): Promise<void> {
  const lastBefore = useErrors.getState().errors.at(-1); // the list is capped: compare its newest entry, not its length
  return new Promise((resolve, reject) => {
    const check = () => {
      if (token.stopped) return finish(new QueueStopped());
      const errors = useErrors.getState().errors;
      if (errors.at(-1) !== lastBefore && useTelemetry.getState().status.state === 'error') return finish(new Error(`The run failed: ${errors.at(-1)!.message}`));
      if (ready()) finish(null);
    };
    const unsubs = [useTelemetry.subscribe(check), useModelsStore.subscribe(check), useGap.subscribe(check), useErrors.subscribe(check)];
    const timer = setInterval(check, 500);
    const finish = (e: Error | null) => {
      unsubs.forEach((u) => u());
      clearInterval(timer);
      if (e) reject(e);
      else resolve();
    };
    check();
  });
}

export async function runQueue(specs: readonly LessonRunSpec[], onProgress: (p: QueueProgress) => void): Promise<LessonRunResult[]> {
  if (active) throw new Error('A lesson is already running its queue');
  const token = { stopped: false };
  active = token;
  const results: LessonRunResult[] = [];
  try {
    for (const [k, spec] of specs.entries()) {
      const state = useTelemetry.getState().status.state;
      if (state === 'running' || state === 'paused' || state === 'ready') {
        send({ type: 'stop' });
        await until(() => !['running', 'paused', 'ready', 'preparing'].includes(useTelemetry.getState().status.state), token);
      }
      const config = withObjective(structuredClone(spec.config));
      const before = useModelsStore.getState().run?.id ?? null;
      beginRun(config);
      send({ type: 'configure', config });
      send({ type: 'start' });
      await until(() => (useModelsStore.getState().run?.id ?? null) !== before, token);
      const runId = useModelsStore.getState().run!.id;
      const unsub = useTelemetry.subscribe((s) => onProgress({ run: k + 1, runs: specs.length, label: spec.label, step: s.status.step, totalSteps: config.steps }));
      try {
        onProgress({ run: k + 1, runs: specs.length, label: spec.label, step: 0, totalSteps: config.steps });
        await until(() => {
          const live = useGap.getState().live;
          return useTelemetry.getState().status.state === 'done' && live?.ownerId === runId && live.snapshots.at(-1)?.step === config.steps;
        }, token);
      } finally {
        unsub();
      }
      const snaps = useGap.getState().live!.snapshots;
      const ev = useTelemetry.getState().evals.at(-1);
      results.push({ label: spec.label, config, steps: snaps.map((s) => s.step), metrics: snaps.map((s) => s.metrics), zeroShot: ev?.zeroShotAll ?? NaN });
    }
    return results;
  } finally {
    active = null;
  }
}
