// A run's whole metric history, kept in the worker: every step's scalars (as the batched
// MetricsReports carry them) and every evaluation's summary. It travels inside checkpoints, so a
// resumed run's charts and `npm run train --json` show every step since step 1, not only those
// after the resume. Plain numbers only (JSON-safe: float32 values print exactly as doubles).
import type { EvalReport, MetricsReport } from '../protocol/trainer';

/** Per-step series (one entry per training step, in step order). */
export const STEP_FIELDS = ['loss', 'logitScale', 'lr', 'gradNorm', 'meanPositive', 'meanMargin', 'stepMs'] as const;
export type StepField = (typeof STEP_FIELDS)[number];

/** An evaluation without its similarity matrix. */
export type EvalSummary = Omit<EvalReport, 'type' | 'similarity' | 'similarityN' | 'similarityCaptions'>;

export interface MetricHistoryJSON {
  step: number[];
  series: Record<StepField, number[]>;
  components: Record<string, number[]>;
  evals: EvalSummary[];
}

const emptySeries = (): Record<StepField, number[]> =>
  Object.fromEntries(STEP_FIELDS.map((f) => [f, [] as number[]])) as Record<StepField, number[]>;

/** JSON has no NaN or ±Infinity: they are stored as null and read back as NaN. */
const toJsonNumber = (x: number): number | null => (Number.isFinite(x) ? x : null);
const fromJsonNumber = (x: unknown): number => (typeof x === 'number' ? x : NaN);

export class MetricHistory {
  step: number[] = [];
  series = emptySeries();
  /** Loss components and extra scalars by name; NaN for steps where a name was absent. */
  components: Record<string, number[]> = {};
  evals: EvalSummary[] = [];

  get length(): number {
    return this.step.length;
  }

  get lastStep(): number {
    return this.step.at(-1) ?? 0;
  }

  appendMetrics(r: MetricsReport): void {
    const before = this.step.length;
    for (let i = 0; i < r.count; i++) this.step.push(r.step[i]!);
    for (const f of STEP_FIELDS) for (let i = 0; i < r.count; i++) this.series[f].push(r[f][i]!);
    for (const [name, values] of Object.entries(r.components)) {
      const col = (this.components[name] ??= new Array<number>(before).fill(NaN));
      for (let i = 0; i < r.count; i++) col.push(values[i]!);
    }
    for (const col of Object.values(this.components)) while (col.length < this.step.length) col.push(NaN);
  }

  appendEval(r: EvalReport): void {
    const { type: _t, similarity: _s, similarityN: _n, similarityCaptions: _c, ...summary } = r;
    this.evals = this.evals.filter((e) => e.step < r.step);
    this.evals.push(summary);
  }

  /** Drops everything after `step` (a resumed run replays from its checkpoint). */
  truncate(step: number): void {
    let n = this.step.length;
    while (n > 0 && this.step[n - 1]! > step) n--;
    this.step.length = n;
    for (const f of STEP_FIELDS) this.series[f].length = n;
    for (const col of Object.values(this.components)) col.length = n;
    this.evals = this.evals.filter((e) => e.step <= step);
  }

  /** The history as one MetricsReport (to redraw the UI's charts after a resume); null when empty. */
  toReport(batchSize: number): MetricsReport | null {
    const count = this.step.length;
    if (count === 0) return null;
    const f32 = (xs: number[]) => Float32Array.from(xs);
    const stepMs = f32(this.series.stepMs);
    return {
      type: 'metrics',
      count,
      step: Float64Array.from(this.step),
      loss: f32(this.series.loss),
      logitScale: f32(this.series.logitScale),
      lr: f32(this.series.lr),
      gradNorm: f32(this.series.gradNorm),
      pairsPerSec: Float32Array.from(stepMs, (ms) => (ms > 0 ? (1000 * batchSize) / ms : 0)),
      stepMs,
      meanPositive: f32(this.series.meanPositive),
      meanMargin: f32(this.series.meanMargin),
      components: Object.fromEntries(Object.entries(this.components).map(([k, v]) => [k, f32(v)])),
    };
  }

  toJSON(): MetricHistoryJSON {
    const nums = (xs: number[]) => xs.map(toJsonNumber) as number[];
    return {
      step: [...this.step],
      series: Object.fromEntries(STEP_FIELDS.map((f) => [f, nums(this.series[f])])) as Record<StepField, number[]>,
      components: Object.fromEntries(Object.entries(this.components).map(([k, v]) => [k, nums(v)])),
      evals: this.evals.map((e) => Object.fromEntries(Object.entries(e).map(([k, v]) => [k, typeof v === 'number' ? toJsonNumber(v) : v])) as EvalSummary),
    };
  }

  static fromJSON(o: unknown): MetricHistory {
    const h = new MetricHistory();
    const j = o as Partial<MetricHistoryJSON> | null;
    if (!j || !Array.isArray(j.step)) return h;
    const n = j.step.length;
    const col = (xs: unknown): number[] => {
      const a = Array.isArray(xs) ? xs.map(fromJsonNumber) : [];
      while (a.length < n) a.push(NaN);
      return a.slice(0, n);
    };
    h.step = j.step.map(fromJsonNumber);
    for (const f of STEP_FIELDS) h.series[f] = col(j.series?.[f]);
    for (const [k, v] of Object.entries(j.components ?? {})) h.components[k] = col(v);
    h.evals = Array.isArray(j.evals)
      ? j.evals.map((e) => Object.fromEntries(Object.entries(e).map(([k, v]) => [k, v === null ? NaN : v])) as EvalSummary)
      : [];
    return h;
  }
}

/** The last loss and evaluation of a history (live or as JSON), as the Models library shows them. */
export function lastMetricsOf(h: { series: { loss: (number | null)[] }; evals: EvalSummary[] }): {
  lastLoss: number | null;
  lastEval: { step: number; zeroShotAll: number; gap: number; recallI2T1: number } | null;
} {
  const loss = h.series.loss.at(-1);
  const ev = h.evals.at(-1);
  return {
    lastLoss: typeof loss === 'number' && Number.isFinite(loss) ? loss : null,
    lastEval: ev ? { step: ev.step, zeroShotAll: ev.zeroShotAll, gap: ev.gap, recallI2T1: ev.recallI2T1 } : null,
  };
}
