import type { RunState } from '../../protocol/trainer';
import { fmtDuration, fmtInt, fmtMs } from '../format';
import { useSettings } from '../stores/settingsStore';
import { useTelemetry } from '../stores/telemetryStore';
import { send, startRun, stepRun } from '../trainerClient';
import { useConfigProblems, useTrainPairs } from '../hooks';
import { fittingBatchSize } from '../../config/validate';
import { PhaseProgress } from './PhaseProgress';
import { SkipLink } from './SkipLink';

const START_STATES: RunState[] = ['idle', 'ready', 'done', 'stopped', 'error'];
const STEP_STATES: RunState[] = ['paused', 'ready', 'idle', 'done', 'stopped', 'error'];
const STOP_STATES: RunState[] = ['running', 'paused', 'preparing'];

const STATE_LABEL: Record<RunState, string> = {
  idle: 'idle',
  preparing: 'preparing',
  ready: 'ready',
  running: 'running',
  paused: 'paused',
  done: 'done',
  stopped: 'stopped',
  error: 'error',
};

export function ControlsBar() {
  const status = useTelemetry((s) => s.status);
  const recentStepMs = useTelemetry((s) => s.recentStepMs);
  const problems = useConfigProblems();
  const lossNaN = useTelemetry((s) => s.latest !== null && !Number.isFinite(s.latest.loss));
  const configuredSteps = useSettings((s) => s.config.steps);
  const { state, step } = status;
  const total = status.totalSteps || configuredSteps;
  const frac = total > 0 ? Math.min(1, step / total) : 0;
  const msPerStep = Number.isFinite(recentStepMs) && recentStepMs > 0 ? recentStepMs : status.stepMs;
  const eta = state === 'running' && msPerStep > 0 ? ((total - step) * msPerStep) / 1000 : NaN;
  const invalid = problems.length > 0;
  const trainPairs = useTrainPairs();
  const batchSize = useSettings((s) => s.config.batchSize);
  const setConfig = useSettings((s) => s.setConfig);
  const fitting = fittingBatchSize(trainPairs, batchSize);

  return (
    <section className="controls" aria-label="Training controls">
      <div className="controls-row">
        <div className="buttons">
          <button type="button" className="btn btn-primary" disabled={!START_STATES.includes(state) || invalid} title={problems || undefined} onClick={startRun}>
            Start
          </button>
          <button type="button" className="btn" disabled={state !== 'running'} onClick={() => send({ type: 'pause' })}>
            Pause
          </button>
          <button type="button" className="btn" disabled={state !== 'paused' && state !== 'ready'} onClick={() => send({ type: 'resume' })}>
            Resume
          </button>
          <button type="button" className="btn" disabled={!STEP_STATES.includes(state) || invalid} onClick={stepRun}>
            Step
          </button>
          <button type="button" className="btn btn-danger" disabled={!STOP_STATES.includes(state)} onClick={() => send({ type: 'stop' })}>
            Stop
          </button>
        </div>
        <SkipLink className="narrow-only settings-link" target="run-settings">
          Run settings ↓
        </SkipLink>
        <div className="run-readout">
          <span className={`state-pill state-${state}`} data-testid="run-state">
            {STATE_LABEL[state]}
          </span>
          <span className="step-counter" data-testid="step-counter">
            step {fmtInt(step)} / {fmtInt(total)}
          </span>
        </div>
      </div>
      <div className="progress-line">
        <span className="progress-label">Training</span>
        <div className="bar" role="progressbar" aria-label="Training progress" aria-valuemin={0} aria-valuemax={total} aria-valuenow={step}>
          <div className={`bar-fill bar-fill-scaled${state === 'running' ? ' bar-live' : ''}`} style={{ transform: `scaleX(${frac.toFixed(4)})` }} />
        </div>
        <span className="progress-text">
          {(frac * 100).toFixed(1)} % · {fmtMs(msPerStep)}/step · ETA {state === 'running' ? fmtDuration(eta) : '–'}
        </span>
      </div>
      <PhaseProgress />
      {lossNaN ? (
        <p className="field-error" data-testid="nan-warning">
          The loss is not a number: training diverged (try a lower learning rate or a stronger gradient clip).
        </p>
      ) : null}
      {invalid ? (
        <p className="field-error">
          Cannot start: {problems}
          {fitting !== null ? (
            <>
              {' '}
              <button type="button" className="btn btn-small" onClick={() => setConfig((c) => ({ ...c, batchSize: fitting }))}>
                Use batch size {fitting}
              </button>
            </>
          ) : null}
        </p>
      ) : null}
    </section>
  );
}
