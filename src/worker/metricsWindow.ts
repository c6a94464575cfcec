// Collects per-step scalars as tensors (no GPU→CPU read per step) and reads them
// back in one go every `reportEvery` steps, producing one batched MetricsReport.
// Per step: loss, logit scale, grad norm, mean positive cosine, mean margin, and the objective's
// named components plus extra scalars (e.g. clip, reg, bias), all stacked into ONE tensor and read once.
import * as tf from '@tensorflow/tfjs';
import type { MetricsReport } from '../protocol/trainer';

/** One step's metrics. The window takes ownership of every tensor (disposed at flush). */
export interface StepMetrics {
  step: number;
  lr: number;
  loss: tf.Scalar;
  /** s = exp(t) after the step. */
  scale: tf.Scalar;
  gradNorm: tf.Scalar;
  meanPositive: tf.Scalar;
  meanMargin: tf.Scalar;
  /** Loss components and extra scalars by name (names must stay the same within a window). */
  components: Record<string, tf.Scalar>;
  dataMs: number;
  stepMs: number;
}

export class MetricsWindow {
  private steps: number[] = [];
  private lrs: number[] = [];
  private losses: tf.Scalar[] = [];
  private scales: tf.Scalar[] = [];
  private gradNorms: tf.Scalar[] = [];
  private meanPositives: tf.Scalar[] = [];
  private meanMargins: tf.Scalar[] = [];
  private componentNames: string[] = [];
  private components: tf.Scalar[][] = [];
  private dataMs = 0;
  private stepMsSum = 0;
  private windowStart = performance.now();
  lastStepMs = 0;
  lastDataWaitShare = 0;

  push(m: StepMetrics): void {
    const names = Object.keys(m.components);
    if (this.steps.length === 0) {
      this.windowStart = performance.now() - m.stepMs;
      this.componentNames = names;
      this.components = names.map(() => []);
    } else if (names.length !== this.componentNames.length || names.some((n) => !(n in m.components) || !this.componentNames.includes(n))) {
      tf.dispose([m.loss, m.scale, m.gradNorm, m.meanPositive, m.meanMargin, ...Object.values(m.components)]);
      throw new Error(`metrics components changed within a window: [${this.componentNames.join(', ')}] → [${names.join(', ')}]`);
    }
    this.steps.push(m.step);
    this.lrs.push(m.lr);
    this.losses.push(m.loss);
    this.scales.push(m.scale);
    this.gradNorms.push(m.gradNorm);
    this.meanPositives.push(m.meanPositive);
    this.meanMargins.push(m.meanMargin);
    this.componentNames.forEach((n, i) => this.components[i].push(m.components[n]));
    this.dataMs += m.dataMs;
    this.stepMsSum += m.stepMs;
  }

  get size(): number {
    return this.steps.length;
  }

  /** Read the window back (one sync), reset, and return the report (null when empty). */
  async flush(batchSize: number): Promise<MetricsReport | null> {
    const count = this.steps.length;
    if (count === 0) return null;
    // Take the window and reset first, so a failed read never leaves disposed tensors behind.
    const { steps, lrs, componentNames, windowStart, dataMs } = this;
    const rows = [this.losses, this.scales, this.gradNorms, this.meanPositives, this.meanMargins, ...this.components];
    this.reset();
    let values: Float32Array;
    try {
      const packed = tf.tidy(() => tf.stack(rows.map((r) => tf.stack(r))));
      try {
        values = (await packed.data()) as Float32Array;
      } finally {
        packed.dispose();
      }
    } finally {
      tf.dispose(rows.flat());
    }
    const row = (k: number) => values.slice(k * count, (k + 1) * count);
    // Wall time includes the device finishing its queued work (the read above waits for it).
    const elapsed = performance.now() - windowStart;
    const stepMs = elapsed / count;
    this.lastStepMs = stepMs;
    this.lastDataWaitShare = elapsed > 0 ? Math.min(1, dataMs / elapsed) : 0;
    const components: Record<string, Float32Array> = {};
    componentNames.forEach((n, i) => (components[n] = row(5 + i)));
    return {
      type: 'metrics',
      count,
      step: Float64Array.from(steps),
      loss: row(0),
      logitScale: row(1),
      gradNorm: row(2),
      lr: Float32Array.from(lrs),
      pairsPerSec: new Float32Array(count).fill((batchSize * count * 1000) / elapsed),
      stepMs: new Float32Array(count).fill(stepMs),
      meanPositive: row(3),
      meanMargin: row(4),
      components,
    };
  }

  private reset(): void {
    this.steps = [];
    this.lrs = [];
    this.losses = [];
    this.scales = [];
    this.gradNorms = [];
    this.meanPositives = [];
    this.meanMargins = [];
    this.componentNames = [];
    this.components = [];
    this.dataMs = 0;
    this.stepMsSum = 0;
  }
}
