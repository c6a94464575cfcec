// A whole run's metrics as files: CSV with one row per step (every per-step metric and objective
// component; the evaluation columns filled at the steps that were evaluated) and JSON with the run's
// config, the per-step columns and the evaluations. From what the Train view holds: the last
// DEFAULT_METRIC_CAPACITY steps (the file says when earlier steps were dropped).
import type { TrainConfig } from '../config/types';
import { toCsv } from './chartExport';
import { METRIC_FIELDS, type MetricRing } from './metricRing';
import type { EvalPoint } from './stores/telemetryStore';

const EVAL_FIELDS = ['zeroShotAll', 'zeroShotSeen', 'zeroShotHeldOut', 'gap', 'meanPositive', 'recallI2T1', 'recallT2I1', 'recallI2T5', 'recallT2I5'] as const;

export function runMetricsCsv(metrics: MetricRing, evals: readonly EvalPoint[]): string {
  const steps = metrics.column('step');
  const comps = metrics.componentArrays();
  const byStep = new Map(evals.map((e) => [e.step, e]));
  // Evaluations at steps without metrics (e.g. step 0) get rows of their own, in step order.
  const allSteps = [...new Set([...steps, ...evals.map((e) => e.step)])].sort((a, b) => a - b);
  const rowOf = new Map(steps.map((s, i) => [s, i]));
  const col = (values: readonly number[]) => allSteps.map((s) => (rowOf.has(s) ? values[rowOf.get(s)!]! : null));
  const header = [...METRIC_FIELDS, ...Object.keys(comps), ...EVAL_FIELDS.map((f) => `eval_${f}`)];
  const columns = [
    allSteps,
    ...METRIC_FIELDS.slice(1).map((f) => col(metrics.column(f))),
    ...Object.values(comps).map(col),
    ...EVAL_FIELDS.map((f) => allSteps.map((s) => byStep.get(s)?.[f] ?? null)),
  ];
  return toCsv(header, columns);
}

export function runMetricsJson(config: TrainConfig | null, metrics: MetricRing, evals: readonly EvalPoint[]): string {
  const steps = metrics.toArrays();
  return JSON.stringify(
    {
      format: 'clip-lab-run-metrics',
      version: 1,
      config,
      droppedSteps: metrics.total - metrics.length,
      steps: { ...steps, components: metrics.componentArrays() },
      evals,
    },
    (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? null : v),
  );
}
