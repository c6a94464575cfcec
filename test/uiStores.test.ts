// The UI's small stores in Node: reports land in the store that owns them (applyReport), a new run
// resets the curves and starts a record, and a stopped run's record ends at the step the worker reached.
import { beforeEach, describe, expect, it } from 'vitest';
import { defaultTrainConfig } from '../src/config/defaults';
import type { EvalReport, MetricsReport, StatusReport } from '../src/protocol/trainer';
import { applyReport, beginRun } from '../src/ui/applyReport';
import { useBench } from '../src/ui/stores/benchStore';
import { useErrors } from '../src/ui/stores/errorsStore';
import { useHistory } from '../src/ui/stores/historyStore';
import { INITIAL_STATUS, useTelemetry } from '../src/ui/stores/telemetryStore';

function metrics(from: number, to: number): MetricsReport {
  const n = to - from + 1;
  const f = (g: (i: number) => number) => Float32Array.from({ length: n }, (_, i) => g(from + i));
  return {
    type: 'metrics',
    count: n,
    step: Float64Array.from({ length: n }, (_, i) => from + i),
    loss: f((s) => 4 - s / 100),
    logitScale: f(() => 14.3),
    lr: f(() => 1e-3),
    gradNorm: f(() => 1),
    pairsPerSec: f(() => 100),
    stepMs: f(() => 10),
    meanPositive: f((s) => s / 100),
    meanMargin: f(() => 0),
    components: {},
  };
}

const status = (state: StatusReport['state'], step: number): StatusReport => ({ ...INITIAL_STATUS, state, step, totalSteps: 100 });

const evalReport = (step: number): EvalReport => ({
  type: 'eval',
  step,
  zeroShotSeen: 0.5,
  zeroShotHeldOut: 0.25,
  zeroShotAll: 0.4,
  numClasses: 8,
  gap: 0.7,
  meanPositive: 0.3,
  recallI2T1: 0.1,
  recallT2I1: 0.2,
  recallI2T5: 0.3,
  recallT2I5: 0.4,
  similarity: new Float32Array(4),
  similarityN: 2,
  similarityCaptions: ['a', 'b'],
  evalMs: 5,
});

describe('UI stores', () => {
  beforeEach(() => {
    useHistory.getState().clearRuns();
    useErrors.getState().clearErrors();
  });

  it('routes each report to its store', () => {
    beginRun(defaultTrainConfig());
    applyReport(status('running', 0));
    applyReport(metrics(1, 10));
    applyReport(evalReport(10));
    applyReport({ type: 'error', message: 'boom', context: 'training' });
    applyReport({ type: 'fusedLoss', requestId: 'r1', enabled: true, active: false });
    const t = useTelemetry.getState();
    expect(t.status.state).toBe('running');
    expect(t.latest?.step).toBe(10);
    expect(t.evals.map((e) => e.step)).toEqual([10]);
    expect(t.evals[0]).not.toHaveProperty('similarity');
    expect(t.similarity?.captions).toEqual(['a', 'b']);
    expect(useHistory.getState().runs.at(-1)?.evals).toHaveLength(1);
    expect(useErrors.getState().errors.map((e) => `${e.context}: ${e.message}`)).toEqual(['training: boom']);
    expect(useBench.getState().fusedLoss?.requestId).toBe('r1');
  });

  it('a new run clears the curves and gets its own record', () => {
    beginRun(defaultTrainConfig());
    applyReport(status('running', 0));
    applyReport(metrics(1, 20));
    const first = useHistory.getState().currentRunId;
    beginRun(defaultTrainConfig());
    expect(useTelemetry.getState().latest).toBeNull();
    expect(useTelemetry.getState().metrics.length).toBe(0);
    const h = useHistory.getState();
    expect(h.currentRunId).not.toBe(first);
    expect(h.runs.find((r) => r.id === first)?.outcome).toBe('stopped');
  });

  it('a stopped run ends at the step the worker reached (its last metrics come after the Stop status)', () => {
    beginRun(defaultTrainConfig());
    applyReport(status('running', 0));
    applyReport(metrics(1, 40));
    applyReport(status('stopped', 40));
    applyReport(metrics(41, 47));
    applyReport(status('stopped', 47));
    const run = useHistory.getState().runs.at(-1)!;
    expect(run.outcome).toBe('stopped');
    expect(run.lastStep).toBe(47);
    expect(run.series.step.at(-1)).toBe(47);
    expect(useTelemetry.getState().status.step).toBe(47);
  });
});
