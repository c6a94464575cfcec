// Collects per-step scalars as tensors (no GPU→CPU read per step) and reads them
// back in one go every `reportEvery` steps, producing one batched MetricsReport.
import * as tf from '@tensorflow/tfjs';
import type { MetricsReport } from '../protocol/messages';

export class MetricsWindow {
  private steps: number[] = [];
  private lrs: number[] = [];
  private losses: tf.Scalar[] = [];
  private scales: tf.Scalar[] = [];
  private gradNorms: tf.Scalar[] = [];
  private dataMs = 0;
  private stepMsSum = 0;
  private windowStart = performance.now();
  lastStepMs = 0;
  lastDataWaitShare = 0;

  push(step: number, lr: number, loss: tf.Scalar, scale: tf.Scalar, gradNorm: tf.Scalar, dataMs: number, stepMs: number): void {
    if (this.steps.length === 0) this.windowStart = performance.now() - stepMs;
    this.steps.push(step);
    this.lrs.push(lr);
    this.losses.push(loss);
    this.scales.push(scale);
    this.gradNorms.push(gradNorm);
    this.dataMs += dataMs;
    this.stepMsSum += stepMs;
  }

  get size(): number {
    return this.steps.length;
  }

  /** Read the window back (one sync), reset, and return the report (null when empty). */
  async flush(batchSize: number): Promise<MetricsReport | null> {
    const count = this.steps.length;
    if (count === 0) return null;
    const packed = tf.tidy(() => tf.stack([tf.stack(this.losses), tf.stack(this.scales), tf.stack(this.gradNorms)]));
    const values = await packed.data();
    packed.dispose();
    tf.dispose([...this.losses, ...this.scales, ...this.gradNorms]);
    // Wall time includes the device finishing its queued work (the read above waits for it).
    const elapsed = performance.now() - this.windowStart;
    const stepMs = elapsed / count;
    this.lastStepMs = stepMs;
    this.lastDataWaitShare = elapsed > 0 ? Math.min(1, this.dataMs / elapsed) : 0;
    const report: MetricsReport = {
      type: 'metrics',
      count,
      step: Float64Array.from(this.steps),
      loss: values.slice(0, count) as Float32Array,
      logitScale: values.slice(count, 2 * count) as Float32Array,
      gradNorm: values.slice(2 * count, 3 * count) as Float32Array,
      lr: Float32Array.from(this.lrs),
      pairsPerSec: new Float32Array(count).fill((batchSize * count * 1000) / elapsed),
      stepMs: new Float32Array(count).fill(stepMs),
    };
    this.steps = [];
    this.lrs = [];
    this.losses = [];
    this.scales = [];
    this.gradNorms = [];
    this.dataMs = 0;
    this.stepMsSum = 0;
    return report;
  }
}
