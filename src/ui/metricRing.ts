// A bounded ring buffer of per-step metrics. It is mutated in place (appending the
// batched arrays of each MetricsReport) and versioned by the store, so charts can
// redraw at their own pace without React copying 20k-point arrays on every message.
// Besides the fixed fields it keeps one column per objective component (named loss terms
// and extra scalars such as SigLIP's bias), created when a name first appears.
import type { MetricsReport } from '../protocol/trainer';

export const METRIC_FIELDS = ['step', 'loss', 'logitScale', 'lr', 'gradNorm', 'pairsPerSec', 'stepMs', 'meanPositive', 'meanMargin'] as const;
export type MetricField = (typeof METRIC_FIELDS)[number];
export type MetricPoint = Record<MetricField, number>;
export type MetricColumns = Record<MetricField, number[]>;

export const DEFAULT_METRIC_CAPACITY = 20_000;

export class MetricRing {
  readonly capacity: number;
  private readonly cols: Record<MetricField, Float64Array>;
  /** Objective components by name, in order of first appearance (cleared with the ring). */
  private readonly comps = new Map<string, Float64Array>();
  /** Index of the oldest point. */
  private head = 0;
  /** Number of points held (≤ capacity). */
  length = 0;
  /** Points ever appended since the last clear (including those overwritten). */
  total = 0;

  constructor(capacity = DEFAULT_METRIC_CAPACITY) {
    this.capacity = capacity;
    const cols = {} as Record<MetricField, Float64Array>;
    for (const f of METRIC_FIELDS) cols[f] = new Float64Array(capacity);
    this.cols = cols;
  }

  clear(): void {
    this.head = 0;
    this.length = 0;
    this.total = 0;
    this.comps.clear();
  }

  /** Appends the `count` points of one report. */
  append(r: MetricsReport): void {
    const n = r.count;
    // Reports of an older trainer may lack the newer fields: those points read NaN.
    const src = r as Partial<Record<MetricField, ArrayLike<number>>>;
    const comps = r.components && typeof r.components === 'object' ? r.components : {};
    for (const name of Object.keys(comps)) {
      if (!this.comps.has(name)) this.comps.set(name, new Float64Array(this.capacity).fill(NaN));
    }
    for (let i = 0; i < n; i++) {
      const idx = (this.head + this.length) % this.capacity;
      for (const f of METRIC_FIELDS) this.cols[f][idx] = src[f]?.[i] ?? NaN;
      for (const [name, col] of this.comps) col[idx] = comps[name]?.[i] ?? NaN;
      if (this.length < this.capacity) this.length++;
      else this.head = (this.head + 1) % this.capacity;
      this.total++;
    }
  }

  /** The i-th point in chronological order (0 = oldest held). */
  get(i: number): MetricPoint | null {
    if (i < 0 || i >= this.length) return null;
    const idx = (this.head + i) % this.capacity;
    const p = {} as MetricPoint;
    for (const f of METRIC_FIELDS) p[f] = this.cols[f][idx]!;
    return p;
  }

  last(): MetricPoint | null {
    return this.get(this.length - 1);
  }

  /** One field, chronological, as a fresh plain array. */
  column(field: MetricField): number[] {
    const out = new Array<number>(this.length);
    const col = this.cols[field];
    for (let i = 0; i < this.length; i++) out[i] = col[(this.head + i) % this.capacity]!;
    return out;
  }

  /** Names of the objective components seen since the last clear, in order of appearance. */
  componentNames(): string[] {
    return [...this.comps.keys()];
  }

  /** One component, chronological (all NaN when the name is unknown). */
  componentColumn(name: string): number[] {
    const out = new Array<number>(this.length).fill(NaN);
    const col = this.comps.get(name);
    if (col) for (let i = 0; i < this.length; i++) out[i] = col[(this.head + i) % this.capacity]!;
    return out;
  }

  /** Every component, chronological (for tests and exports). */
  componentArrays(): Record<string, number[]> {
    const out: Record<string, number[]> = {};
    for (const name of this.comps.keys()) out[name] = this.componentColumn(name);
    return out;
  }

  /** Every field, chronological (for tests and exports). */
  toArrays(): MetricColumns {
    const out = {} as MetricColumns;
    for (const f of METRIC_FIELDS) out[f] = this.column(f);
    return out;
  }

  /** Mean of the last `k` finite values of a field (NaN when none). */
  recentMean(field: MetricField, k: number): number {
    let sum = 0;
    let n = 0;
    const col = this.cols[field];
    for (let i = this.length - 1; i >= 0 && n < k; i--) {
      const v = col[(this.head + i) % this.capacity]!;
      if (Number.isFinite(v)) {
        sum += v;
        n++;
      }
    }
    return n ? sum / n : NaN;
  }
}
