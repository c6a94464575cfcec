// Kept runs for the "Compare runs" card: every Start records the run's config, its
// per-step loss / mean margin / mean positive similarity (averaged into ≤ RUN_POINTS_CAP
// buckets, streaming) and its evaluation history. The last RUNS_CAP runs persist in
// localStorage (runHistoryStorage.ts).
// Records are mutated in place while their run trains; the store bumps `runsVersion`.
import type { GapSummary } from '../protocol/gap';
import type { EvalReport, MetricsReport } from '../protocol/trainer';
import type { TrainConfig } from '../config/types';
import { objectiveOf, withObjective } from '../config/objectiveOf';
import { objectiveShort } from './objectives';

export const RUNS_CAP = 8;
export const RUN_POINTS_CAP = 2000;
export const RUN_EVALS_CAP = 500;
export const PERSIST_POINTS_CAP = 1000;
export const RUNS_STORAGE_KEY = 'clip-lab:runs';

export type RunOutcome = 'running' | 'done' | 'stopped' | 'error' | 'interrupted';

export interface RunEvalPoint {
  step: number;
  zeroShotAll: number;
  zeroShotSeen: number;
  zeroShotHeldOut: number;
  gap: number;
  meanPositive: number;
  /** The gap metrics of the evaluation (docs/methods.md §6); absent in records kept before them. */
  gapMetrics?: GapSummary;
}

export const RUN_SERIES_FIELDS = ['loss', 'meanMargin', 'meanPositive'] as const;
export type RunSeriesField = (typeof RUN_SERIES_FIELDS)[number];
export type RunSeries = { step: number[] } & Record<RunSeriesField, number[]>;

export interface RunRecord {
  id: number;
  /** e.g. "#3 pospair λ=0.1 · Shapes · seed 0". */
  label: string;
  config: TrainConfig;
  /** Date.now() at Start. */
  startedAt: number;
  outcome: RunOutcome;
  /** Last step reported. */
  lastStep: number;
  /** Training steps averaged into each point of `series` (doubles when the series fills up). */
  stride: number;
  series: RunSeries;
  evals: RunEvalPoint[];
}

export type CompareMetric = 'loss' | 'zeroShot' | 'zeroShotHeldOut' | 'gap' | 'meanMargin' | 'meanPositive';

export const COMPARE_METRICS: readonly { value: CompareMetric; label: string; yLabel: string; percent?: boolean }[] = [
  { value: 'loss', label: 'loss', yLabel: 'nats' },
  { value: 'zeroShot', label: 'zero-shot top-1', yLabel: 'accuracy', percent: true },
  { value: 'zeroShotHeldOut', label: 'zero-shot top-1 (held-out)', yLabel: 'accuracy', percent: true },
  { value: 'gap', label: 'modality gap', yLabel: '‖ū − v̄‖' },
  { value: 'meanMargin', label: 'mean margin', yLabel: 'cosine' },
  { value: 'meanPositive', label: 'mean positive similarity', yLabel: 'cosine' },
];

export function isCompareMetric(v: unknown): v is CompareMetric {
  return COMPARE_METRICS.some((m) => m.value === v);
}

/** e.g. "#3 pospair λ=0.1 · Shapes · seed 0" (a stored dataset by its name when known). */
export function runLabel(id: number, config: TrainConfig, datasetName?: string): string {
  const data = config.dataset.kind === 'shapes' ? 'Shapes' : (datasetName ?? 'stored data');
  return `#${id} ${objectiveShort(objectiveOf(config))} · ${data} · seed ${config.seed}`;
}

/** One line of the run's other settings, for tooltips and the run list. */
export function runDetails(run: RunRecord): string {
  const c = run.config;
  const data = c.dataset.kind === 'shapes' ? `shapes ${c.dataset.trainPairs} pairs` : `dataset ${c.dataset.id}`;
  return `${c.preset} · B ${c.batchSize} · ${c.steps} steps · lr ${c.optim.lr} · ${data}`;
}

export function createRun(id: number, config: TrainConfig, now = Date.now(), datasetName?: string): RunRecord {
  const cfg = withObjective(structuredClone(config));
  return {
    id,
    label: runLabel(id, cfg, datasetName),
    config: cfg,
    startedAt: now,
    outcome: 'running',
    lastStep: 0,
    stride: 1,
    series: { step: [], loss: [], meanMargin: [], meanPositive: [] },
    evals: [],
  };
}

// ---------------------------------------------------------------- streaming buckets
interface Bucket {
  n: number;
  step: number;
  sum: Record<RunSeriesField, number>;
  cnt: Record<RunSeriesField, number>;
}

const buckets = new WeakMap<RunRecord, Bucket>();

function emptyBucket(): Bucket {
  return { n: 0, step: 0, sum: { loss: 0, meanMargin: 0, meanPositive: 0 }, cnt: { loss: 0, meanMargin: 0, meanPositive: 0 } };
}

function bucketOf(run: RunRecord): Bucket {
  let b = buckets.get(run);
  if (!b) {
    b = emptyBucket();
    buckets.set(run, b);
  }
  return b;
}

function pushBucket(run: RunRecord, b: Bucket): void {
  if (b.n === 0) return;
  run.series.step.push(b.step);
  for (const f of RUN_SERIES_FIELDS) run.series[f].push(b.cnt[f] ? b.sum[f] / b.cnt[f] : NaN);
  buckets.set(run, emptyBucket());
}

const meanOf = (a: number, b: number): number => (Number.isFinite(a) ? (Number.isFinite(b) ? (a + b) / 2 : a) : b);

/** Merges neighbouring points pairwise (x = the later step). */
export function halveSeries(s: RunSeries): RunSeries {
  const out: RunSeries = { step: [], loss: [], meanMargin: [], meanPositive: [] };
  for (let i = 0; i < s.step.length; i += 2) {
    const j = Math.min(i + 1, s.step.length - 1);
    out.step.push(s.step[j]!);
    for (const f of RUN_SERIES_FIELDS) out[f].push(j === i ? s[f][i]! : meanOf(s[f][i]!, s[f][j]!));
  }
  return out;
}

/** Adds a metrics report's steps to the run (bucket means; halves the series when it is full). */
export function appendRunMetrics(run: RunRecord, r: MetricsReport): void {
  const src = r as Partial<Record<RunSeriesField, ArrayLike<number>>>;
  for (let i = 0; i < r.count; i++) {
    const b = bucketOf(run);
    b.n++;
    b.step = r.step[i]!;
    for (const f of RUN_SERIES_FIELDS) {
      const v = src[f]?.[i];
      if (v !== undefined && Number.isFinite(v)) {
        b.sum[f] += v;
        b.cnt[f]++;
      }
    }
    run.lastStep = b.step;
    if (b.n >= run.stride) pushBucket(run, b);
    if (run.series.step.length >= RUN_POINTS_CAP) {
      run.series = halveSeries(run.series);
      run.stride *= 2;
    }
  }
}

/** Emits the partly filled bucket (at the end of a run). */
export function flushRun(run: RunRecord): void {
  const b = buckets.get(run);
  if (b && b.n > 0) pushBucket(run, b);
}

export function evalPointOf(r: EvalReport): RunEvalPoint {
  return { step: r.step, zeroShotAll: r.zeroShotAll, zeroShotSeen: r.zeroShotSeen, zeroShotHeldOut: r.zeroShotHeldOut, gap: r.gap, meanPositive: r.meanPositive, ...(r.gapMetrics ? { gapMetrics: r.gapMetrics } : {}) };
}

export function appendRunEval(run: RunRecord, p: RunEvalPoint): void {
  const evals = run.evals.filter((e) => e.step < p.step);
  evals.push(p);
  // Over the cap: thin the older history (every other point), keep the newest.
  run.evals = evals.length > RUN_EVALS_CAP ? [...evals.slice(0, -1).filter((_, i) => i % 2 === 0), p] : evals;
}

// ---------------------------------------------------------------- comparison data
/** The (x, y) points of one run for a compare metric. */
export function runCurve(run: RunRecord, metric: CompareMetric): { x: number[]; y: number[] } {
  const fromEvals = (f: (e: RunEvalPoint) => number) => ({ x: run.evals.map((e) => e.step), y: run.evals.map(f) });
  switch (metric) {
    case 'loss':
    case 'meanMargin':
      return { x: run.series.step, y: run.series[metric] };
    case 'meanPositive':
      // Per training step when the trainer reports it; else the evaluation probe set's value.
      return run.series.meanPositive.some(Number.isFinite) ? { x: run.series.step, y: run.series.meanPositive } : fromEvals((e) => e.meanPositive);
    case 'zeroShot':
      return fromEvals((e) => e.zeroShotAll);
    case 'zeroShotHeldOut':
      return fromEvals((e) => e.zeroShotHeldOut);
    case 'gap':
      return fromEvals((e) => e.gap);
  }
}

/** Aligns curves on the union of their x values (null where a curve has no point). */
export function alignCurves(curves: { x: number[]; y: number[] }[]): [number[], ...(number | null)[][]] {
  const xs = [...new Set(curves.flatMap((c) => c.x))].sort((a, b) => a - b);
  const at = new Map(xs.map((x, i) => [x, i]));
  const ys = curves.map((c) => {
    const col = new Array<number | null>(xs.length).fill(null);
    c.x.forEach((x, i) => {
      const v = c.y[i];
      if (v !== undefined && Number.isFinite(v)) col[at.get(x)!] = v;
    });
    return col;
  });
  return [xs, ...ys];
}
